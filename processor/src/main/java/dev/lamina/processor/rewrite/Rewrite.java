package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import java.util.List;

/**
 * One IR-to-IR rewrite that the generated code runs instead of the declared model, each exact for
 * the model's outputs and its parameter gradients (within floating-point rounding), and each leaving
 * a typed {@link dev.lamina.processor.ir.RewriteFact} on the nodes it changed.
 */
interface Rewrite {
    /**
     * One straight sequence of layers with this rewrite applied wherever it is exact;
     * {@code sequence} itself if nowhere. A rewrite matches only layers next to each other in one
     * sequence, so it never moves or merges a layer across the start or end of a sequence.
     */
    List<LayerNode> apply(List<LayerNode> sequence);

    /** {@code model} with this rewrite applied to each of its sequences; {@code model} itself if nothing changed. */
    default ModelIR apply(ModelIR model) {
        return model.mapSequences(this::apply);
    }
}
