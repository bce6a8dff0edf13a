package dev.lamina.processor.shape;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.ShapeProblems;
import dev.lamina.processor.read.DslNames;
import java.math.BigInteger;
import java.util.ArrayList;
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
 * <p>Shapes are one example without the batch axis: {@code [C, H, W]} (NCHW images) or {@code [F]}.
 * Each layer kind's rule is {@link dev.lamina.processor.ir.LayerSpec#outputShape} on its spec record;
 * this class runs them in order and turns their problems into errors on the layer.
 * The loss consumes {@code [N, K]} (see {@code LossFunction}), so the model's output must be a vector.
 * Every tensor, per example, and every weight tensor must hold at most {@link Messages#MAX_ELEMENTS}
 * elements, so later stages can count them in {@code int} and {@code long} without overflow.
 * Inference stops at the first error: the shapes after it are unknown.
 */
public final class ShapeInference {
    private ShapeInference() {}

    private static final BigInteger MAX_ELEMENTS = BigInteger.valueOf(Messages.MAX_ELEMENTS);

    /** The model with shapes filled in, or empty when some shape is impossible (reported). */
    public static Optional<ModelIR> infer(ModelIR model, Report report) {
        Shape current = model.input();
        BigInteger inputElements = elements(current.dims());
        if (inputElements.compareTo(MAX_ELEMENTS) > 0) {
            errorOnModel(model, "input", Messages.inputTooLarge(current, inputElements), report);
            return Optional.empty();
        }
        List<LayerNode> layers = new ArrayList<>();
        for (LayerNode layer : model.layers()) {
            Shape output = outputOf(layer, current, report);
            if (output == null) {
                return Optional.empty();
            }
            LayerNode inferred = layer.withShapes(current, output);
            if (!fits(inferred, report)) {
                return Optional.empty();
            }
            layers.add(inferred);
            current = output;
        }
        if (!current.isVector()) {
            String last = layers.isEmpty() ? null : layers.get(layers.size() - 1).name();
            errorOnModel(model, "loss", Messages.lossNeedsVector(model.loss().name(), last, current), report);
            return Optional.empty();
        }
        return Optional.of(model.withSteps(layers));
    }

    /** The layer's output for {@code in}, or null after reporting why there is none. */
    private static Shape outputOf(LayerNode layer, Shape in, Report report) {
        String kind = layer.spec().kind();
        String name = layer.name();
        return layer.spec().outputShape(in, new ShapeProblems() {
            @Override
            public Shape needsImage() {
                return error(null, Messages.needsImage(kind, name, in));
            }

            @Override
            public Shape missingFlatten() {
                return error(null, Messages.missingFlatten(kind, name, in));
            }

            @Override
            public Shape nothingToFlatten() {
                return error(null, Messages.nothingToFlatten(name, in));
            }

            @Override
            public Shape needsVectorOrImage() {
                return error(null, Messages.needsVectorOrImage(kind, name, in));
            }

            @Override
            public Shape windowTooLarge(String member, String what, int size) {
                String axis = size > in.dim(1) ? "height" : "width";
                int axisSize = axis.equals("height") ? in.dim(1) : in.dim(2);
                return error(member, Messages.infeasibleWindow(kind, name, what, size, in, axis, axisSize));
            }

            private Shape error(String member, String message) {
                report.error(layer.source(), member, message);
                return null;
            }
        });
    }

    /** Whether the layer's output and weights are small enough; if not, reports on the layer. */
    private static boolean fits(LayerNode layer, Report report) {
        BigInteger outputElements = elements(layer.output().dims());
        if (outputElements.compareTo(MAX_ELEMENTS) > 0) {
            report.error(layer.source(), null, Messages.tensorTooLarge(layer.spec().kind(), layer.name(),
                    "output " + layer.output() + " of one example", outputElements));
            return false;
        }
        BigInteger weights = weightElements(layer);
        if (weights.compareTo(MAX_ELEMENTS) > 0) {
            report.error(layer.source(), null, Messages.tensorTooLarge(layer.spec().kind(), layer.name(),
                    "its weight tensor", weights));
            return false;
        }
        return true;
    }

    /** Elements of the weight tensor ({@code [filters, C, k, k]} or {@code [in, units]}), else 0. */
    private static BigInteger weightElements(LayerNode layer) {
        int[] dims = layer.spec().weightDims(layer.input());
        return dims.length == 0 ? BigInteger.ZERO : elements(dims);
    }

    /** Exact product, without the overflow of {@link Shape#size()} for huge shapes. */
    private static BigInteger elements(int... dims) {
        BigInteger n = BigInteger.ONE;
        for (int d : dims) {
            n = n.multiply(BigInteger.valueOf(d));
        }
        return n;
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
