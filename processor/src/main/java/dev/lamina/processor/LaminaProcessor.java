package dev.lamina.processor;

import com.google.auto.service.AutoService;
import dev.lamina.dsl.Sequential;
import dev.lamina.processor.codegen.ModelGenerator;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Lint;
import dev.lamina.processor.read.ModelReader;
import dev.lamina.processor.shape.ShapeInference;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The Lamina annotation processor. For each {@code @Sequential} interface it runs the stages
 * read, infer shapes, lint, rewrite, generate, and stops at the first stage whose report has an
 * error. It never throws: an unexpected failure becomes an error on the model. It does not claim
 * the annotation (returns false).
 */
@AutoService(Processor.class)
public final class LaminaProcessor extends AbstractProcessor {
    private Lint lint;

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        lint = Lint.create(env);
    }

    @Override
    public Set<String> getSupportedOptions() {
        return Lint.supportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(Sequential.class.getCanonicalName());
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (Element element : round.getElementsAnnotatedWith(Sequential.class)) {
            Report report = new Report(element);
            try {
                processModel(element, report);
            } catch (RuntimeException | LinkageError e) {
                report.error("[Lamina] internal error while processing this model; please report it: "
                        + stackTrace(e));
            }
            report.printTo(processingEnv.getMessager());
        }
        if (round.processingOver()) {
            lint.finish(processingEnv.getMessager());
        }
        return false;
    }

    private void processModel(Element element, Report report) {
        Optional<ModelIR> model = new ModelReader(processingEnv).read(element, report)
                .flatMap(m -> ShapeInference.infer(m, report));
        if (model.isEmpty() || report.hasErrors()) {
            return;
        }
        lint.run(model.get(), report);
        if (report.hasErrors()) {
            return;
        }
        try {
            ModelGenerator.generate(model.get()).writeTo(processingEnv.getFiler());
        } catch (IOException e) {
            report.error("[Lamina] could not write the generated class: " + e.getMessage());
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
