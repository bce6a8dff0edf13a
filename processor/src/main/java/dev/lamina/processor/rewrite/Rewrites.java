package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.ModelIR;
import java.util.List;

/** The rewrites the processor applies, in order; {@code -Alamina.rewrite=false} turns them all off. */
public final class Rewrites {
    private Rewrites() {}

    private static final List<Rewrite> ALL = List.of(new BiasBeforeBatchNorm(), new BatchNormFold(),
            new MaxPoolBeforeMonotoneActivation());

    /**
     * The pass that inference runs, from {@code model} as {@link #apply} returned it: without the
     * layers that are the identity at inference (every Dropout, see {@link DropoutAtInference}, and
     * every BatchNorm folded into the layer before it, see {@link BatchNormFold}), then with
     * {@link MaxPoolBeforeMonotoneActivation} applied again, since a Dropout between an activation
     * and a max pool, which stops the move in training, is gone. Layers keep their names; the
     * generator runs this pass for plain inference, and the declared layers while a layer observer or
     * the non-finite search watches.
     */
    public static ModelIR forInference(ModelIR model) {
        ModelIR identitiesRemoved = BatchNormFold.withoutFolded(new DropoutAtInference().apply(model));
        return new MaxPoolBeforeMonotoneActivation().apply(identitiesRemoved);
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
