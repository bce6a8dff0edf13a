package dev.lamina.processor.testing;

import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.read.ModelReader;
import dev.lamina.processor.shape.ShapeInference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * A test-only processor that runs just the first two stages of {@code LaminaProcessor}, reading and
 * shape inference, on every {@code @Sequential} element, prints their diagnostics and keeps the
 * resulting IR, so tests can inspect shapes without depending on the code generator.
 */
public final class ReadAndInferProcessor extends AbstractProcessor {
    private final Map<String, ModelIR> models = new LinkedHashMap<>();
    private final List<Report.Item> items = new ArrayList<>();

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("dev.lamina.dsl.Sequential");
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
                    .ifPresent(model -> models.put(model.interfaceName(), model));
            report.printTo(processingEnv.getMessager());
            items.addAll(report.items());
        }
        return false;
    }

    /** Shape-inferred models by interface simple name, in processing order. */
    public Map<String, ModelIR> models() {
        return models;
    }

    /** Every diagnostic the stages reported. */
    public List<Report.Item> items() {
        return items;
    }
}
