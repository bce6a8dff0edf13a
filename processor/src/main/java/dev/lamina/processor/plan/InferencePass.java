package dev.lamina.processor.plan;

import dev.lamina.processor.ir.Graph;
import dev.lamina.processor.ir.Step;
import java.util.List;

/**
 * The pass that plain inference runs ({@code forward(input, false)} with no layer observer and no
 * non-finite search): the executed model without the layers that are the identity at inference, and
 * with layers moved where that is exact. Nodes keep their names; a moved node's shapes are those it
 * has here, and the facts on each node say what changed.
 *
 * @param steps the steps inference runs, in order
 */
public record InferencePass(List<Step> steps) {
    public InferencePass {
        steps = List.copyOf(steps);
    }

    /** The steps flattened into layers and the tensors between them. */
    public Graph graph() {
        return Graph.of(steps);
    }
}
