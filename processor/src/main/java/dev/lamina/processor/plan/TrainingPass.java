package dev.lamina.processor.plan;

import dev.lamina.processor.ir.Graph;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.Step;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The training forward pass, every layer in execution order, and the backward pass, in reverse over
 * the layers that need it: a layer is in backward when it or a layer whose output reaches it has
 * trainable parameters ({@link #inBackward}). A layer computes the gradient of an input only when
 * that input's producer is in backward; in a straight stack, backward thus
 * ends at the first layer with parameters, which computes no input gradient, and the layers before
 * it keep nothing for backward.
 *
 * @param steps   the executed model's steps
 * @param fusions groups of consecutive layers that backward runs as one kernel call, in layer order;
 *                all inside the backward range
 */
public record TrainingPass(List<Step> steps, List<Fusion> fusions) {
    public TrainingPass {
        steps = List.copyOf(steps);
        fusions = List.copyOf(fusions);
    }

    /** Whether {@code layer} is one of a fusion's layers, whose backward is the fusion's one call. */
    public boolean fused(String layer) {
        return fusions.stream().anyMatch(f -> f.layers().contains(layer));
    }

    /** The steps flattened into layers and the tensors between them. */
    public Graph graph() {
        return Graph.of(steps);
    }

    /** The names of the layers of {@code graph} that backward runs: those with parameters, and every layer they reach. */
    public static Set<String> inBackward(Graph graph) {
        Set<String> in = new HashSet<>();
        for (LayerNode node : graph.nodes()) {
            if (node.parameterCount() > 0 || graph.inputsOf(node).stream().anyMatch(in::contains)) {
                in.add(node.name());
            }
        }
        return in;
    }
}
