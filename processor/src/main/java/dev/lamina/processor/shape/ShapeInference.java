package dev.lamina.processor.shape;

import dev.lamina.dsl.Sequential;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
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
 * Output sizes, per spatial axis of size {@code in}:
 * <ul>
 *   <li>Conv2d VALID: {@code floor((in - kernel) / stride) + 1}, which needs {@code kernel <= in};
 *       SAME: {@code ceil(in / stride)} (TensorFlow's definition); channels become {@code filters}.
 *   <li>MaxPool2d and AvgPool2d: {@code floor((in - window) / stride) + 1}, which needs
 *       {@code window <= in} (PyTorch's pooling without padding).
 *   <li>Flatten: {@code [C, H, W] -> [C * H * W]}; Dense: {@code [F] -> [units]}.
 *   <li>BatchNorm, Dropout and the activations keep the shape; Softmax needs a vector.
 * </ul>
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
        return Optional.of(model.withLayers(layers));
    }

    /** The layer's output for {@code in}, or null after reporting why there is none. */
    private static Shape outputOf(LayerNode layer, Shape in, Report report) {
        LayerSpec spec = layer.spec();
        String name = layer.name();
        if (spec instanceof LayerSpec.Conv2d conv) {
            if (!in.isImage()) {
                report.error(layer.source(), null, Messages.needsImage(spec.kind(), name, in));
                return null;
            }
            if (conv.padding() == LayerSpec.Conv2d.Padding.SAME) {
                return Shape.of(conv.filters(), ceilDiv(in.dim(1), conv.stride()), ceilDiv(in.dim(2), conv.stride()));
            }
            if (!windowFits(layer, "kernel", "kernel", conv.kernel(), in, report)) {
                return null;
            }
            return Shape.of(conv.filters(), slide(in.dim(1), conv.kernel(), conv.stride()),
                    slide(in.dim(2), conv.kernel(), conv.stride()));
        }
        if (spec instanceof LayerSpec.Pool2d pool) {
            if (!in.isImage()) {
                report.error(layer.source(), null, Messages.needsImage(spec.kind(), name, in));
                return null;
            }
            if (!windowFits(layer, "value", "window", pool.size(), in, report)) {
                return null;
            }
            return Shape.of(in.dim(0), slide(in.dim(1), pool.size(), pool.stride()),
                    slide(in.dim(2), pool.size(), pool.stride()));
        }
        if (spec instanceof LayerSpec.Dense dense) {
            if (!in.isVector()) {
                report.error(layer.source(), null, Messages.missingFlatten(spec.kind(), name, in));
                return null;
            }
            return Shape.of(dense.units());
        }
        if (spec instanceof LayerSpec.Flatten) {
            if (!in.isImage()) {
                report.error(layer.source(), null, in.isVector()
                        ? Messages.nothingToFlatten(name, in)
                        : Messages.needsImage(spec.kind(), name, in));
                return null;
            }
            // Fits in an int: every tensor before this one was checked against MAX_ELEMENTS.
            return Shape.of(Math.toIntExact(in.size()));
        }
        if (spec instanceof LayerSpec.BatchNorm) {
            if (!in.isImage() && !in.isVector()) {
                report.error(layer.source(), null, Messages.needsVectorOrImage(spec.kind(), name, in));
                return null;
            }
            return in;
        }
        if (spec instanceof LayerSpec.Activation activation) {
            if (activation.function() == LayerSpec.Activation.Function.SOFTMAX && !in.isVector()) {
                report.error(layer.source(), null, Messages.missingFlatten(spec.kind(), name, in));
                return null;
            }
            return in;
        }
        if (spec instanceof LayerSpec.Dropout) {
            return in;
        }
        throw new IllegalStateException("no shape rule for " + spec);
    }

    /**
     * Whether a square window of side {@code size} fits the image {@code in}; if not, reports on
     * {@code member}'s value. {@code what} names the window in the message ("kernel" or "window").
     */
    private static boolean windowFits(LayerNode layer, String member, String what, int size, Shape in,
            Report report) {
        String axis = size > in.dim(1) ? "height" : size > in.dim(2) ? "width" : null;
        if (axis == null) {
            return true;
        }
        int axisSize = axis.equals("height") ? in.dim(1) : in.dim(2);
        report.error(layer.source(), member,
                Messages.infeasibleWindow(layer.spec().kind(), layer.name(), what, size, in, axis, axisSize));
        return false;
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
        if (layer.spec() instanceof LayerSpec.Conv2d conv) {
            return elements(conv.filters(), layer.input().dim(0), conv.kernel(), conv.kernel());
        }
        if (layer.spec() instanceof LayerSpec.Dense dense) {
            return elements(layer.input().dim(0), dense.units());
        }
        return BigInteger.ZERO;
    }

    /** Exact product, without the overflow of {@link Shape#size()} for huge shapes. */
    private static BigInteger elements(int... dims) {
        BigInteger n = BigInteger.ONE;
        for (int d : dims) {
            n = n.multiply(BigInteger.valueOf(d));
        }
        return n;
    }

    /** Number of window positions: {@code floor((in - size) / stride) + 1}, for {@code size <= in}. */
    private static int slide(int in, int size, int stride) {
        return (in - size) / stride + 1;
    }

    /** {@code ceil(in / stride)} for positive operands, without int overflow. */
    private static int ceilDiv(int in, int stride) {
        return (int) (((long) in + stride - 1) / stride);
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
                    && t.getQualifiedName().contentEquals(Sequential.class.getCanonicalName())) {
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
