package dev.lamina.processor.shape;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.Step;
import dev.lamina.processor.read.DslNames;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Infers every layer's input and output shape; impossible shapes are errors on the layer.
 *
 * <p>Shapes are one example without the batch axis, with their layout ({@link Shape.Layout}):
 * {@code [C, H, W]} (NCHW images), {@code [F]}, {@code [T, D]} (token sequences), {@code [C, L]}
 * (signals) or {@code [T]} (token ids).
 * Each layer kind's rule is {@link dev.lamina.processor.ir.LayerSpec#outputShape} on its spec record;
 * {@link StepShapes} runs them in order, through every block use with the input it gets there, and
 * turns their problems into errors on the layer (and on the model's block use that holds it).
 * The loss consumes {@code [N, K]} (see {@code LossFunction}), so the model's output must be a vector,
 * or for {@code SOFTMAX_CROSS_ENTROPY} a sequence {@code [T, K]}, a prediction per position
 * ({@code [N, T, K]} with the batch axis).
 * Every tensor, per example, and every weight tensor must hold at most {@link Messages#MAX_ELEMENTS}
 * elements, so later stages can count them in {@code int} and {@code long} without overflow.
 * Inference stops at the first error: the shapes after it are unknown.
 */
public final class ShapeInference {
    private ShapeInference() {}

    private static final BigInteger MAX_ELEMENTS = BigInteger.valueOf(Messages.MAX_ELEMENTS);

    /** The model with shapes filled in, or empty when some shape is impossible (reported). */
    public static Optional<ModelIR> infer(ModelIR model, Report report) {
        Shape input = model.input();
        BigInteger inputElements = StepShapes.elements(input.dims());
        if (inputElements.compareTo(MAX_ELEMENTS) > 0) {
            errorOnModel(model, "input", Messages.inputTooLarge(input, inputElements), report);
            return Optional.empty();
        }
        List<Step> steps = new StepShapes(report).infer(model.steps(), input);
        if (steps == null) {
            return Optional.empty();
        }
        ModelIR inferred = model.withSteps(steps);
        Shape output = inferred.output();
        boolean perPosition = output.isSequence() && model.loss() == Loss.SOFTMAX_CROSS_ENTROPY;
        if (!output.isVector() && !perPosition) {
            List<LayerNode> layers = inferred.layers();
            String last = layers.isEmpty() ? null : layers.get(layers.size() - 1).name();
            errorOnModel(model, "loss", Messages.lossNeedsVector(model.loss().name(), last, output), report);
            return Optional.empty();
        }
        return Optional.of(inferred);
    }

    /** An error on the {@code @Sequential} annotation, on {@code member}'s value when the user wrote it. */
    private static void errorOnModel(ModelIR model, String member, String message, Report report) {
        TypeElement type = model.element();
        if (type == null) {
            report.error(message);
            return;
        }
        AnnotationMirror sequential = null;
        AnnotationValue value = null;
        for (AnnotationMirror a : type.getAnnotationMirrors()) {
            Element annotationType = a.getAnnotationType().asElement();
            if (annotationType instanceof TypeElement t
                    && t.getQualifiedName().contentEquals(DslNames.SEQUENTIAL)) {
                sequential = a;
                for (var entry : a.getElementValues().entrySet()) {
                    ExecutableElement key = entry.getKey();
                    if (key.getSimpleName().contentEquals(member)) {
                        value = entry.getValue();
                    }
                }
            }
        }
        report.add(Diagnostic.Kind.ERROR, message, type, sequential, value);
    }
}
