package dev.lamina.processor.read;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.SourceRef;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;

/** Reads one layer method's annotation into a node and validates its hyperparameters. */
final class LayerReader {
    private final ReadContext context;
    private final String kind;
    private final String name;
    private final SourceRef source;
    private final Map<String, AnnotationValue> values;
    /** Members whose value javac could not compute ({@link ReadContext#markIncomplete}); not validated. */
    private final Set<String> unreadableMembers = new HashSet<>();

    LayerReader(ReadContext context, ExecutableElement method, AnnotationMirror annotation) {
        this.context = context;
        this.kind = ReadContext.kindOf(annotation);
        this.name = method.getSimpleName().toString();
        this.source = new SourceRef(method, annotation, ReadContext.byMemberName(annotation.getElementValues()));
        this.values = context.valuesWithDefaults(annotation);
    }

    /** The node, or null when some value could not be read (reported). */
    LayerNode read() {
        LayerSpec spec = switch (kind) {
            case "Conv2d" -> conv2d();
            case "Dense" -> new LayerSpec.Dense(positive("value", "units"), bool("bias"));
            case "BatchNorm" -> new LayerSpec.BatchNorm(momentum(), epsilon());
            case "ReLU" -> activation(LayerSpec.Activation.Function.RELU, 0);
            case "ELU" -> activation(LayerSpec.Activation.Function.ELU, finite("alpha", "alpha"));
            case "LeakyReLU" -> activation(LayerSpec.Activation.Function.LEAKY_RELU,
                    finite("value", "slope"));
            case "Tanh" -> activation(LayerSpec.Activation.Function.TANH, 0);
            case "Sigmoid" -> activation(LayerSpec.Activation.Function.SIGMOID, 0);
            case "Softmax" -> activation(LayerSpec.Activation.Function.SOFTMAX, 0);
            case "Dropout" -> new LayerSpec.Dropout(dropoutRate());
            case "MaxPool2d" -> pool(LayerSpec.Pool2d.Mode.MAX);
            case "AvgPool2d" -> pool(LayerSpec.Pool2d.Mode.AVG);
            case "GlobalAvgPool2d" -> new LayerSpec.GlobalAvgPool2d();
            case "Flatten" -> new LayerSpec.Flatten();
            case "Embedding" -> new LayerSpec.Embedding(positive("vocabulary", "vocabulary"), positive("dim", "dim"));
            case "PositionalEmbedding" -> new LayerSpec.PositionalEmbedding();
            case "LayerNorm" -> new LayerSpec.LayerNorm(positiveFinite("eps", "eps"));
            case "MultiHeadAttention" -> new LayerSpec.MultiHeadAttention(positive("heads", "heads"), bool("causal"),
                    rate("dropout"));
            case "GELU" -> activation(enumConstant("approximate", "NONE").equals("TANH")
                    ? LayerSpec.Activation.Function.GELU_TANH : LayerSpec.Activation.Function.GELU, 0);
            case "SiLU" -> activation(LayerSpec.Activation.Function.SILU, 0);
            case "Patches" -> new LayerSpec.Patches(positive("size", "size"));
            case "GlobalAvgPool1d" -> new LayerSpec.GlobalAvgPool1d();
            case "Conv1d" -> new LayerSpec.Conv1d(
                    positive("filters", "filters"),
                    positive("kernel", "kernel"),
                    positive("stride", "stride"),
                    LayerSpec.Conv2d.Padding.valueOf(enumConstant("padding", "VALID")),
                    bool("bias"));
            case "MaxPool1d" -> maxPool1d();
            default -> throw new IllegalStateException("layer annotation without a reader: " + kind);
        };
        return unreadableMembers.isEmpty()
                ? new LayerNode(name, spec, null, null, source, List.of())
                : null;
    }

    private static LayerSpec activation(LayerSpec.Activation.Function function, double parameter) {
        return new LayerSpec.Activation(function, parameter);
    }

    private LayerSpec conv2d() {
        int filters = positive("filters", "filters");
        int[] kernel = pair("kernel", "kernel", 1);
        int[] stride = pair("stride", "stride", 1);
        return new LayerSpec.Conv2d(filters, kernel[0], kernel[1], stride[0], stride[1], padding(), bool("bias"));
    }

    private LayerSpec pool(LayerSpec.Pool2d.Mode mode) {
        int[] window = pair("value", "window", 1);
        int[] stride = pair("stride", "stride", 0);
        // 0, the default, means non-overlapping windows on that axis, as in PyTorch.
        return new LayerSpec.Pool2d(mode, window[0], window[1], stride[0] == 0 ? window[0] : stride[0],
                stride[1] == 0 ? window[1] : stride[1], padding());
    }

    private LayerSpec.Conv2d.Padding padding() {
        return LayerSpec.Conv2d.Padding.valueOf(enumConstant("padding", "VALID"));
    }

    /**
     * An {@code int[]} member of one value (the same on both axes) or two ({@code {height, width}}), as
     * {@code {height, width}}; values below {@code min} (1, or 0 for a pooling stride) are reported.
     */
    private int[] pair(String member, String what, int min) {
        if (!(value(member) instanceof List<?> list)) {
            unreadable(member, null);
            return new int[] {min, min};
        }
        int[] values = new int[list.size()];
        for (int i = 0; i < values.length; i++) {
            if (!(list.get(i) instanceof AnnotationValue element && element.getValue() instanceof Integer v)) {
                unreadable(member, null);
                return new int[] {min, min};
            }
            values[i] = v;
        }
        if (values.length != 1 && values.length != 2) {
            context.report.error(source, member, Messages.pairArity(kind, name, what, values.length));
            return new int[] {Math.max(min, 1), Math.max(min, 1)};
        }
        for (int v : values) {
            if (v < min) {
                context.report.error(source, member, min == 0 ? Messages.negativePoolStride(kind, name, v)
                        : Messages.notPositive(kind, name, what, v));
                break;
            }
        }
        return values.length == 1 ? new int[] {values[0], values[0]} : values;
    }

    private LayerSpec maxPool1d() {
        int window = positive("value", "window");
        int stride = integer("stride");
        if (stride < 0 && read("stride")) {
            context.report.error(source, "stride", Messages.negativePoolStride(kind, name, stride));
        }
        return new LayerSpec.MaxPool1d(window, stride == 0 ? window : stride);
    }

    private double dropoutRate() {
        return rate("rate");
    }

    /** A probability of dropping, in [0, 1). */
    private double rate(String member) {
        double rate = real(member);
        if (!(rate >= 0 && rate < 1) && read(member)) { // also rejects NaN
            context.report.error(source, member, Messages.outOfRange(kind, name, member, "[0, 1)", rate));
        }
        return rate;
    }

    private double momentum() {
        double momentum = real("momentum");
        if (!(momentum > 0 && momentum < 1) && read("momentum")) {
            context.report.error(source, "momentum", Messages.outOfRange(kind, name, "momentum", "(0, 1)", momentum));
        }
        return momentum;
    }

    private double epsilon() {
        return positiveFinite("epsilon", "epsilon");
    }

    private double positiveFinite(String member, String what) {
        double value = real(member);
        if (!(value > 0 && Double.isFinite(value)) && read(member)) {
            context.report.error(source, member, Messages.notPositiveFinite(kind, name, what, value));
        }
        return value;
    }

    /** {@code what}: the name the message uses ("units" for {@code @Dense}'s {@code value}). */
    private int positive(String member, String what) {
        int value = integer(member);
        if (value <= 0 && read(member)) {
            context.report.error(source, member, Messages.notPositive(kind, name, what, value));
        }
        return value;
    }

    private double finite(String member, String what) {
        double value = real(member);
        if (!Double.isFinite(value) && read(member)) {
            context.report.error(source, member, Messages.notFinite(kind, name, what, value));
        }
        return value;
    }

    private int integer(String member) {
        return value(member) instanceof Integer i ? i : unreadable(member, 0);
    }

    private double real(String member) {
        return value(member) instanceof Double d ? d : unreadable(member, 0.0);
    }

    private boolean bool(String member) {
        return value(member) instanceof Boolean b ? b : unreadable(member, false);
    }

    private String enumConstant(String member, String fallback) {
        return value(member) instanceof VariableElement constant
                ? constant.getSimpleName().toString()
                : unreadable(member, fallback);
    }

    private boolean read(String member) {
        return !unreadableMembers.contains(member);
    }

    private Object value(String member) {
        AnnotationValue value = values.get(member);
        return value == null ? null : value.getValue();
    }

    /**
     * Notes a value javac could not compute (javac's own error says why) and returns a
     * placeholder so that the other members are still checked.
     */
    private <T> T unreadable(String member, T placeholder) {
        unreadableMembers.add(member);
        context.markIncomplete();
        return placeholder;
    }
}
