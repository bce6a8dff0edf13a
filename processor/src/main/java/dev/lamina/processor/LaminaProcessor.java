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
 *
 * <p>Output: one source file {@code Lamina<Interface>} per model, in the interface's package,
 * written through the {@link javax.annotation.processing.Filer} with the interface as its only
 * originating element (Maven puts it in {@code target/generated-sources/annotations}).
 * Diagnostics go through the {@link javax.annotation.processing.Messager}, attached to the
 * annotation (or annotation value) that causes them, so javac reports their exact line and column.
 *
 * <p>Options, passed as {@code -A<key>=<value>}:
 * <ul>
 *   <li>{@code lamina.lint.<RuleId>=OFF|NOTE|WARNING|ERROR}: a lint rule's severity;
 *   <li>{@code lamina.lint.<RuleId>.<parameter>=<value>}: a lint rule's parameter;
 *   <li>{@code lamina.lint.werror=true}: report lint warnings as errors;
 *   <li>{@code lamina.report=<file>}: write every lint finding of the compilation to a SARIF 2.1.0
 *       file.
 * </ul>
 *
 * <p>Gradle runs it as an isolating incremental processor ({@code
 * META-INF/gradle/incremental.annotation.processors}): each generated class depends on its model
 * interface alone. The SARIF report is a side file written with plain file I/O, outside the Filer,
 * so Gradle does not track it: after an incremental compilation it lists the findings of the
 * models recompiled in that run only; a full compilation gives the complete report. Gradle's
 * incremental mode wraps the processing environment, which hides javac's tree API
 * ({@code com.sun.source.util.Trees}): the processor then falls back to element positions, so
 * diagnostics keep their exact line and column, but lint messages omit the line numbers they quote
 * and SARIF results have no source location.
 */
@AutoService(Processor.class)
public final class LaminaProcessor extends AbstractProcessor {
    private Lint lint;

    /** Called by javac, which finds the processor through {@code META-INF/services}. */
    public LaminaProcessor() {}

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
