package dev.lamina.processor.fuzz;

import dev.lamina.processor.fuzz.FuzzModel.HelperMember;
import dev.lamina.processor.fuzz.FuzzModel.Kind;
import dev.lamina.processor.fuzz.FuzzModel.LayerMember;
import dev.lamina.processor.fuzz.FuzzModel.Member;
import dev.lamina.processor.fuzz.FuzzModel.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Predicts what the processor must do with a {@link FuzzModel}: generate a class whose output has a
 * given shape, or report given errors at given places. Written from the DSL's documentation
 * ({@code dev.lamina.dsl}, {@code Sequential}, each layer annotation's Javadoc) and the diagnostic
 * catalogue, not from the processor's code, so that the two can disagree.
 *
 * <p>Stages, as documented: the declaration and every hyperparameter are checked first and all their
 * errors reported; only a clean declaration has its shapes inferred, which stops at the first
 * impossible shape; last, the loss needs a vector output.
 */
final class Oracle {
    private Oracle() {}

    static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    /** Methods of {@code Model} (and {@code Object.finalize}) without parameters; layers must not reuse them. */
    static final Set<String> RESERVED = Set.of("parameters", "buffers", "zeroGrad", "loss", "inputShape",
            "outputShape", "layers", "dataType", "summary", "finalize", "finishTrainingForward");

    /** Where a diagnostic must land. {@code member} indexes {@link FuzzModel#members}. */
    sealed interface Target {
        /** The value of annotation member {@code name} of the layer annotation. */
        record LayerValue(int member, String name) implements Target {}

        /** The layer annotation itself (its {@code @}). */
        record LayerAnnotation(int member) implements Target {}

        /** The second layer annotation on the method. */
        record ExtraAnnotation(int member) implements Target {}

        /** The method's name. */
        record Method(int member) implements Target {}

        /** {@code @Sequential}. */
        record Sequential() implements Target {}

        /** The value of {@code @Sequential}'s {@code input} or {@code loss}. */
        record SequentialValue(String name) implements Target {}

        /** Entry {@code index} of {@code input}. */
        record InputEntry(int index) implements Target {}
    }

    /** One expected error: its {@code [Lamina/<id>]} and where it lands. */
    record ExpectedError(String id, Target target) {}

    /** The verdict for one model. */
    sealed interface Prediction {
        /**
         * Generates a class whose layers have these outputs and parameter counts.
         *
         * @param layerShapes per layer name, shape of one example's output
         */
        record Valid(int[] output, Map<String, int[]> layerShapes, Map<String, Long> parameterCounts,
                long parameters, long largestActivation) implements Prediction {}

        record Invalid(List<ExpectedError> errors) implements Prediction {}
    }

    static Prediction predict(FuzzModel model) {
        List<ExpectedError> errors = new ArrayList<>();
        readDeclaration(model, errors);
        if (!errors.isEmpty()) {
            return new Prediction.Invalid(errors);
        }
        return inferShapes(model);
    }

    // ---- the declaration and the hyperparameters ---------------------------------------------------

    private static void readDeclaration(FuzzModel model, List<ExpectedError> errors) {
        int[] input = model.input;
        if (input.length != 1 && input.length != 3) {
            errors.add(new ExpectedError("MalformedModel", new Target.SequentialValue("input")));
        } else {
            for (int i = 0; i < input.length; i++) {
                if (input[i] <= 0) {
                    errors.add(new ExpectedError("MalformedModel", new Target.InputEntry(i)));
                }
            }
        }
        boolean anyAbstract = false;
        for (int i = 0; i < model.members.size(); i++) {
            Member member = model.members.get(i);
            if (member instanceof HelperMember) {
                continue;
            }
            LayerMember layer = (LayerMember) member;
            if (!layer.isAbstract()) {
                if (layer.annotated()) {
                    errors.add(new ExpectedError("MalformedModel", new Target.LayerAnnotation(i)));
                }
                continue;
            }
            anyAbstract = true;
            if (!layer.annotated()) {
                errors.add(new ExpectedError("MalformedModel", new Target.Method(i)));
                continue;
            }
            if (layer.extra() != null) {
                errors.add(new ExpectedError("MalformedModel", new Target.ExtraAnnotation(i)));
                continue;
            }
            if (!layer.returnType().equals("Layer")) {
                errors.add(new ExpectedError("MalformedModel", new Target.Method(i)));
            }
            if (!layer.parameters().isEmpty()) {
                errors.add(new ExpectedError("MalformedModel", new Target.Method(i)));
            }
            if (!layer.typeParameters().isEmpty()) {
                errors.add(new ExpectedError("MalformedModel", new Target.Method(i)));
            }
            if (RESERVED.contains(layer.name()) && layer.parameters().isEmpty()) {
                errors.add(new ExpectedError("MalformedModel", new Target.LayerAnnotation(i)));
            }
            checkHyperparameters(i, layer, errors);
        }
        if (!anyAbstract) {
            errors.add(new ExpectedError("MalformedModel", new Target.Sequential()));
        }
    }

    private static void checkHyperparameters(int index, LayerMember layer, List<ExpectedError> errors) {
        for (Map.Entry<String, Value> e : layer.values().entrySet()) {
            String member = e.getKey();
            Object v = e.getValue().value();
            boolean ok = switch (layer.kind()) {
                case CONV2D -> !(v instanceof Integer i) || i > 0;
                case DENSE -> !member.equals("value") || (Integer) v > 0;
                case MAX_POOL, AVG_POOL -> member.equals("value") ? (Integer) v > 0 : (Integer) v >= 0;
                case DROPOUT -> (Double) v >= 0 && (Double) v < 1;
                case BATCH_NORM -> member.equals("momentum")
                        ? (Double) v > 0 && (Double) v < 1
                        : (Double) v > 0 && Double.isFinite((Double) v);
                case ELU, LEAKY_RELU -> Double.isFinite((Double) v);
                default -> true;
            };
            if (!ok) {
                errors.add(new ExpectedError("InvalidHyperparameter", new Target.LayerValue(index, member)));
            }
        }
    }

    // ---- shapes ---------------------------------------------------------------------------------

    private static Prediction inferShapes(FuzzModel model) {
        int[] shape = model.input;
        if (elements(shape).compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0) {
            return invalid("TensorTooLarge", new Target.SequentialValue("input"));
        }
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        long parameters = 0;
        long largest = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        for (int i = 0; i < model.members.size(); i++) {
            if (!(model.members.get(i) instanceof LayerMember layer) || !layer.isAbstract()) {
                continue;
            }
            int[] in = shape;
            int[] out;
            BigInteger weights = BigInteger.ZERO;
            long count = 0;
            switch (layer.kind()) {
                case CONV2D -> {
                    if (in.length != 3) {
                        return invalid("RankMismatch", new Target.LayerAnnotation(i));
                    }
                    int filters = intOf(layer, "filters", -1);
                    int kernel = intOf(layer, "kernel", -1);
                    int stride = intOf(layer, "stride", 1);
                    boolean same = "SAME".equals(valueOf(layer, "padding", "VALID"));
                    boolean bias = (Boolean) valueOf(layer, "bias", true);
                    if (same) {
                        out = new int[] {filters, ceilDiv(in[1], stride), ceilDiv(in[2], stride)};
                    } else {
                        if (kernel > in[1] || kernel > in[2]) {
                            return invalid("InfeasibleWindow", new Target.LayerValue(i, "kernel"));
                        }
                        out = new int[] {filters, (in[1] - kernel) / stride + 1, (in[2] - kernel) / stride + 1};
                    }
                    weights = elements(filters, in[0], kernel, kernel);
                    count = weights.longValue() + (bias ? filters : 0);
                }
                case MAX_POOL, AVG_POOL -> {
                    if (in.length != 3) {
                        return invalid("RankMismatch", new Target.LayerAnnotation(i));
                    }
                    int window = intOf(layer, "value", -1);
                    int stride = intOf(layer, "stride", 0);
                    if (stride == 0) {
                        stride = window;
                    }
                    if (window > in[1] || window > in[2]) {
                        return invalid("InfeasibleWindow", new Target.LayerValue(i, "value"));
                    }
                    out = new int[] {in[0], (in[1] - window) / stride + 1, (in[2] - window) / stride + 1};
                }
                case DENSE -> {
                    if (in.length != 1) {
                        return invalid("MissingFlatten", new Target.LayerAnnotation(i));
                    }
                    int units = intOf(layer, "value", -1);
                    boolean bias = (Boolean) valueOf(layer, "bias", true);
                    out = new int[] {units};
                    weights = elements(in[0], units);
                    count = weights.longValue() + (bias ? units : 0);
                }
                case FLATTEN -> {
                    if (in.length != 3) {
                        return invalid("RankMismatch", new Target.LayerAnnotation(i));
                    }
                    out = new int[] {in[0] * in[1] * in[2]}; // fits: checked when it was produced
                }
                case SOFTMAX -> {
                    if (in.length != 1) {
                        return invalid("MissingFlatten", new Target.LayerAnnotation(i));
                    }
                    out = in;
                }
                case BATCH_NORM -> {
                    out = in;
                    count = 2L * in[0];
                }
                default -> out = in;
            }
            if (elements(out).compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0
                    || weights.compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0) {
                return invalid("TensorTooLarge", new Target.LayerAnnotation(i));
            }
            shapes.put(layer.name(), out);
            counts.put(layer.name(), count);
            parameters += count;
            largest = Math.max(largest, elements(out).longValue());
            if (layer.kind() == Kind.CONV2D) {
                // The SAME-padded input the kernel slides over, and the im2col buffer behind it.
                int kernel = intOf(layer, "kernel", -1);
                long padded = (long) in[0] * (in[1] + kernel) * (in[2] + kernel);
                largest = Math.max(largest, Math.max(padded, (long) in[0] * kernel * kernel * out[1] * out[2]));
            }
            shape = out;
        }
        if (shape.length != 1) {
            return invalid("RankMismatch", model.writeLoss ? new Target.SequentialValue("loss") : new Target.Sequential());
        }
        return new Prediction.Valid(shape, shapes, counts, parameters, largest);
    }

    private static Prediction invalid(String id, Target target) {
        return new Prediction.Invalid(List.of(new ExpectedError(id, target)));
    }

    private static int intOf(LayerMember layer, String member, int fallback) {
        return (Integer) valueOf(layer, member, fallback);
    }

    private static Object valueOf(LayerMember layer, String member, Object fallback) {
        Value v = layer.values().get(member);
        return v == null ? fallback : v.value();
    }

    private static int ceilDiv(int in, int stride) {
        return (int) (((long) in + stride - 1) / stride);
    }

    private static BigInteger elements(int... dims) {
        BigInteger n = BigInteger.ONE;
        for (int d : dims) {
            n = n.multiply(BigInteger.valueOf(d));
        }
        return n;
    }
}
