package dev.lamina.processor.lint;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * Helpers shared by rules: walks over "transparent" layers, and the
 * model's output layer. Each rule states its own transparency set; these are the building blocks.
 */
public final class Layers {
    private Layers() {}

    /** Flatten only moves values; it never changes them. */
    public static final Predicate<LayerSpec> FLATTEN = s -> s instanceof LayerSpec.Flatten;

    /** Max or average pooling. */
    public static final Predicate<LayerSpec> POOL = s -> s instanceof LayerSpec.Pool2d;

    public static final Predicate<LayerSpec> DROPOUT = s -> s instanceof LayerSpec.Dropout;

    public static final Predicate<LayerSpec> BATCH_NORM = s -> s instanceof LayerSpec.BatchNorm;

    /** Conv2d or Dense. */
    public static final Predicate<LayerSpec> WEIGHT = LayerSpec::isWeightLayer;

    /** Every activation applied to each value independently: all but softmax. */
    public static final Predicate<LayerSpec> ELEMENTWISE_ACTIVATION =
            s -> s instanceof Activation a && a.function().isElementwise();

    /** True when {@code spec} is the activation {@code function}. */
    public static boolean isActivation(LayerSpec spec, Function function) {
        return spec instanceof Activation a && a.function() == function;
    }

    /**
     * The layers after {@code from} that {@code pass} accepts, in order, and the first layer it
     * rejects ({@code stop}, -1 when the model ends first).
     */
    public record Walk(List<LayerNode> passed, int stop) {
        public boolean stopped() {
            return stop >= 0;
        }
    }

    /** Walks forward from the layer after index {@code from}. */
    public static Walk forward(List<LayerNode> layers, int from, Predicate<LayerSpec> pass) {
        List<LayerNode> passed = new ArrayList<>();
        for (int i = from + 1; i < layers.size(); i++) {
            if (!pass.test(layers.get(i).spec())) {
                return new Walk(passed, i);
            }
            passed.add(layers.get(i));
        }
        return new Walk(passed, -1);
    }

    /** Walks backward from the layer before index {@code from}; {@code passed} is in model order. */
    public static Walk backward(List<LayerNode> layers, int from, Predicate<LayerSpec> pass) {
        List<LayerNode> passed = new ArrayList<>();
        for (int i = from - 1; i >= 0; i--) {
            if (!pass.test(layers.get(i).spec())) {
                Collections.reverse(passed);
                return new Walk(passed, i);
            }
            passed.add(layers.get(i));
        }
        Collections.reverse(passed);
        return new Walk(passed, -1);
    }

    /**
     * Index of the layer whose output the loss sees, ignoring trailing Flatten and Dropout (identity
     * at inference; trailing dropout is reported by StochasticLayerAfterOutput); -1 when there is
     * none.
     */
    public static int outputIndex(List<LayerNode> layers) {
        return backward(layers, layers.size(), FLATTEN.or(DROPOUT)).stop();
    }

    /** {@code 0.8}, {@code 1e-05} → {@code 0.00001}, {@code 2.0} → {@code 2}: numbers as a user would write them. */
    public static String number(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** Units of a Dense layer or filters of a Conv2d; 0 for other layers. */
    public static int width(LayerSpec spec) {
        if (spec instanceof LayerSpec.Dense d) {
            return d.units();
        } else if (spec instanceof LayerSpec.Conv2d c) {
            return c.filters();
        }
        return 0;
    }
}
