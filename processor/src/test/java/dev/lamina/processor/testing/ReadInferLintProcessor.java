package dev.lamina.processor.testing;

import dev.lamina.processor.diag.Report;
import dev.lamina.processor.lint.Lint;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.options.LaminaOptions;
import dev.lamina.processor.read.ModelReader;
import dev.lamina.processor.shape.ShapeInference;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * A test-only processor that runs the first three stages of {@code LaminaProcessor} on every
 * {@code @Sequential} element: reading, shape inference and the lint, with the same {@code -A}
 * options, and prints their diagnostics. No rewrites and no code generation, so lint tests of
 * models the generator does not handle yet (blocks, while their code generation is under way) see
 * only the lint's diagnostics.
 */
public final class ReadInferLintProcessor extends AbstractProcessor {
    private Lint lint;

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        LaminaOptions options = LaminaOptions.parse(env.getOptions(), LintRules.all());
        options.printProblems(env.getMessager());
        lint = Lint.create(env, options.lint());
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("dev.lamina.dsl.Sequential");
    }

    @Override
    public Set<String> getSupportedOptions() {
        return LaminaOptions.supportedOptions(LintRules.all());
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (Element element : round.getElementsAnnotatedWith(dev.lamina.dsl.Sequential.class)) {
            Report report = new Report(element);
            new ModelReader(processingEnv).read(element, report)
                    .flatMap(model -> ShapeInference.infer(model, report))
                    .ifPresent(model -> lint.run(model, report));
            report.printTo(processingEnv.getMessager());
        }
        if (round.processingOver()) {
            lint.finish(processingEnv.getMessager());
        }
        return false;
    }
}
