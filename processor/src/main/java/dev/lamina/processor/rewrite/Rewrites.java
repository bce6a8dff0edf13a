package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.ModelIR;
import java.util.List;

/** The rewrites the processor applies, in order; {@code -Alamina.rewrite=false} turns them all off. */
public final class Rewrites {
    private Rewrites() {}

    /** The processor option that turns rewrites off ({@code -Alamina.rewrite=false}); on by default. */
    public static final String OPTION = "lamina.rewrite";

    private static final List<Rewrite> ALL = List.of(new BiasBeforeBatchNorm(), new BatchNormFold(),
            new MaxPoolBeforeMonotoneActivation());

    /** Whether the processor options turn rewrites on: anything but {@code false} (any case) does. */
    public static boolean enabled(java.util.Map<String, String> options) {
        String value = options.get(OPTION);
        return value == null || !value.trim().equalsIgnoreCase("false");
    }

    /** {@code model} with every rewrite applied, in order. */
    public static ModelIR apply(ModelIR model) {
        ModelIR result = model;
        for (Rewrite rewrite : ALL) {
            result = rewrite.apply(result);
        }
        return result;
    }
}
