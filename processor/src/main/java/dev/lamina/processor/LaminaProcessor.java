package dev.lamina.processor;

import com.google.auto.service.AutoService;
import dev.lamina.processor.codegen.ModelGenerator;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.plan.ExecutionPlan;
import dev.lamina.processor.lint.Lint;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.lint.ReportedFinding;
import dev.lamina.processor.options.LaminaOptions;
import dev.lamina.processor.read.DslNames;
import dev.lamina.processor.read.ModelReader;
import dev.lamina.processor.rewrite.Rewrites;
import dev.lamina.processor.shape.ShapeInference;
import dev.lamina.processor.summary.SummaryTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The Lamina annotation processor. For each {@code @Sequential} interface it runs the stages
 * read, infer shapes, lint, rewrite, generate, and stops at the first stage whose report has an
 * error; after a shape error, the lint still runs the rules that need no shapes
 * ({@link Lint#runWithoutShapes}). It never throws: an unexpected failure becomes an error on the
 * model. It does not claim the annotation (returns false).
 *
 * <p>A model that references a type or constant not yet generated (by another processor, in a
 * later round) is deferred to the next round, not failed; after the last round it becomes an error.
 * Each model's class name must be free: see {@link GeneratedNames}.
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
 *       file;
 *   <li>{@code lamina.rewrite=false}: generate the declared model as written, without the rewrites of
 *       {@link dev.lamina.processor.rewrite} and without the generator's fusion of the backward pass of
 *       BatchNorm, activation and Dropout into one kernel call (on by default);
 *   <li>{@code lamina.summary=true}: print each model's summary table as a NOTE on its interface, with
 *       {@code lamina.summary.batchSize=<n>} examples per forward pass for the activation memory.
 * </ul>
 * One parser reads them all ({@link dev.lamina.processor.options.LaminaOptions}): an unknown
 * {@code lamina.*} name or a value an option does not accept is an error ({@code [Lamina/BadOption]}).
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
    /** The Filer of ECJ's batch compiler (ecj.jar), as named in its stack frames. */
    private static final String ECJ_BATCH_FILER = "org.eclipse.jdt.internal.compiler.apt.dispatch.BatchFilerImpl";

    private Lint lint;
    private GeneratedNames names;
    private LaminaOptions options;
    /** Canonical names of models to read again next round (Auto's BasicAnnotationProcessor deferral). */
    private final Set<String> deferred = new LinkedHashSet<>();

    /** Called by javac, which finds the processor through {@code META-INF/services}. */
    public LaminaProcessor() {}

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        options = LaminaOptions.parse(env.getOptions(), LintRules.all());
        options.printProblems(env.getMessager());
        lint = Lint.create(env, options.lint());
        names = new GeneratedNames(env.getElementUtils(), env.getTypeUtils());
    }

    @Override
    public Set<String> getSupportedOptions() {
        return LaminaOptions.supportedOptions(LintRules.all());
    }

    /**
     * Every annotation of the DSL: {@code @Sequential} to find models, the layer annotations to flag
     * those used outside a model. None is claimed ({@link #process} returns false), so that
     * processors after this one that support {@code "*"} still run on models' files.
     */
    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(DslNames.PACKAGE + ".*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        // Models deferred by earlier rounds come first, looked up again: elements do not outlive a round.
        Map<Element, Report> reports = new LinkedHashMap<>();
        for (String name : deferred) {
            TypeElement model = processingEnv.getElementUtils().getTypeElement(name);
            if (model != null) {
                reports.put(model, new Report(model));
            }
        }
        deferred.clear();
        TypeElement sequential = processingEnv.getElementUtils().getTypeElement(DslNames.SEQUENTIAL);
        if (sequential != null) {  // null: lamina-dsl is not on the class path, so nothing uses it
            for (Element element : round.getElementsAnnotatedWith(sequential)) {
                reports.put(element, new Report(element));
            }
        }
        List<TypeElement> named = reports.keySet().stream()
                .filter(e -> e.getKind() == ElementKind.INTERFACE && e.getSimpleName().length() > 0)
                .map(TypeElement.class::cast)
                .toList();
        Set<TypeElement> free = Set.copyOf(names.claim(named, reports));
        reports.forEach((element, report) -> {
            if (report.hasErrors() || (named.contains(element) && !free.contains(element))) {
                report.printTo(processingEnv.getMessager());
                return;
            }
            try {
                if (!processModel(element, report)) {
                    defer((TypeElement) element, report, round.processingOver());
                }
            } catch (RuntimeException | LinkageError e) {
                report.error(Messages.internalError(stackTrace(e)));
            }
            report.printTo(processingEnv.getMessager());
        });
        reportLayersOutsideModels(annotations, round);
        if (round.processingOver()) {
            lint.finish(processingEnv.getMessager());
        }
        return false;
    }

    /** Whether layers declared in {@code element} are read: a {@code @Sequential} or {@code @Block} type. */
    private static boolean declaresLayers(Element element) {
        return element.getAnnotationMirrors().stream()
                .map(m -> (TypeElement) m.getAnnotationType().asElement())
                .anyMatch(t -> t.getQualifiedName().contentEquals(DslNames.SEQUENTIAL)
                        || t.getQualifiedName().contentEquals(DslNames.BLOCK));
    }

    /**
     * A layer annotation whose method is not in a {@code @Sequential} or {@code @Block} interface
     * does nothing: most likely the interface lacks its annotation. An error on the annotation says so.
     */
    private void reportLayersOutsideModels(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (TypeElement annotation : annotations) {
            if (!Messages.LAYER_ANNOTATIONS.contains(annotation.getSimpleName().toString())
                    || !annotation.getQualifiedName().toString().startsWith(DslNames.PACKAGE + ".")) {
                continue;
            }
            for (Element element : round.getElementsAnnotatedWith(annotation)) {
                Element owner = element.getEnclosingElement();
                if (owner != null && declaresLayers(owner)) {
                    continue;  // a model's or block's layer: the model's own checks apply
                }
                AnnotationMirror mirror = element.getAnnotationMirrors().stream()
                        .filter(m -> m.getAnnotationType().asElement().equals(annotation))
                        .findFirst().orElse(null);
                processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, Messages.layerOutsideModel(
                        annotation.getSimpleName().toString(), element.getSimpleName().toString(),
                        owner == null ? null : owner.getSimpleName().toString()), element, mirror);
            }
        }
    }

    /**
     * Runs the stages on one model. Returns false when the model could not be read yet because part
     * of it did not resolve (a type or constant that a later round may generate): javac reports
     * those itself if they never resolve.
     */
    private boolean processModel(Element element, Report report) {
        Optional<ModelIR> read = new ModelReader(processingEnv).read(element, report);
        if (read.isEmpty()) {
            return report.hasErrors();
        }
        Optional<ModelIR> model = ShapeInference.infer(read.get(), report);
        if (model.isEmpty() || report.hasErrors()) {
            // The rules on the order of layers need no shapes: their findings come with the shape
            // error, not only after it is fixed.
            lint.runWithoutShapes(read.get(), report);
            return true;
        }
        ExecutionPlan plan = Rewrites.plan(model.get(), options.rewrite());
        ModelIR executed = plan.executed();
        // The lint sees what the rewrites carry out, so as not to advise it (Rule.carriedOutBy).
        List<ReportedFinding> findings = lint.run(model.get(), executed, report);
        if (report.hasErrors()) {
            return true;
        }
        try {
            ModelGenerator.generate(plan, findings).writeTo(processingEnv.getFiler());
            if (options.summary()) {
                // The declared model: what the generated layers() describe, and so model.summary().
                ModelIR declared = model.get();
                report.add(Diagnostic.Kind.NOTE, Messages.summary(declared.interfaceName(),
                        declared.generatedName(), SummaryTable.render(declared, executed, options.summaryBatchSize())),
                        element, null, null);
            }
        } catch (IOException e) {
            ModelIR declared = model.get();
            String generated = declared.packageName().isEmpty() ? declared.generatedName()
                    : declared.packageName() + "." + declared.generatedName();
            report.error(refusedAsExisting(e, generated)
                    ? Messages.generatedClassOnClassPathUnderEcj(generated)
                    : Messages.generatedClassNotWritten(e.getMessage()));
        }
        return true;
    }

    /**
     * Whether ECJ's batch Filer refused the generated class because a type of that name is already
     * visible, on the class path or source path: it checks {@code getTypeElement(name) != null}
     * before creating a source file (eclipse-jdt/eclipse.jdt.core#1482, still in ECJ 3.46.100),
     * where javac only warns under {@code -Xlint:processing}. Rebuilding over earlier output hits it.
     */
    private boolean refusedAsExisting(IOException e, String generated) {
        // The Filer may be wrapped (Gradle's incremental processing does): its stack frames say whose it is.
        return e instanceof FilerException
                && Arrays.stream(e.getStackTrace()).anyMatch(frame -> frame.getClassName().equals(ECJ_BATCH_FILER))
                && processingEnv.getElementUtils().getTypeElement(generated) != null;
    }

    /** Retries the model next round, or, after the last one, reports that it never resolved. */
    private void defer(TypeElement model, Report report, boolean lastRound) {
        String name = model.getQualifiedName().toString();
        if (lastRound) {
            report.error(Messages.neverResolved(name));
        } else {
            deferred.add(name);
            names.release(names.generatedName(model));
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
