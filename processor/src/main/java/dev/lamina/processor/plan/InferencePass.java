package dev.lamina.processor.plan;

import dev.lamina.processor.ir.LayerNode;
import java.util.List;

/**
 * The pass that plain inference runs ({@code forward(input, false)} with no layer observer and no
 * non-finite search): the executed layers without those that are the identity at inference, and
 * with layers moved where that is exact. Nodes keep their names; a moved node's shapes are those it
 * has here, and the facts on each node say what changed.
 *
 * @param layers the layers inference runs, in order
 */
public record InferencePass(List<LayerNode> layers) {
    public InferencePass {
        layers = List.copyOf(layers);
    }
}
