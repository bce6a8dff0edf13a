package dev.lamina.processor.plan;

import dev.lamina.processor.ir.LayerNode;
import java.util.List;

/**
 * The training forward pass, every layer in order, and the backward pass, in reverse from the last
 * layer down to the first layer with parameters ({@link #firstWithParameters()}): that layer computes
 * no input gradient, and the layers before it have nothing to learn and keep nothing for backward.
 *
 * @param layers  the executed layers, in order
 * @param fusions groups of consecutive layers that backward runs as one kernel call, in layer order;
 *                all inside the backward range
 */
public record TrainingPass(List<LayerNode> layers, List<Fusion> fusions) {
    public TrainingPass {
        layers = List.copyOf(layers);
        fusions = List.copyOf(fusions);
    }

    /** Index of the first layer with trainable parameters, where backward ends; -1 when none has any. */
    public int firstWithParameters() {
        return firstWithParameters(layers);
    }

    /** Index of the first of {@code layers} with trainable parameters, or -1. */
    public static int firstWithParameters(List<LayerNode> layers) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).parameterCount() > 0) {
                return i;
            }
        }
        return -1;
    }

    /** Whether backward runs the layer at {@code index}. */
    public boolean inBackward(int index) {
        int first = firstWithParameters();
        return first >= 0 && index >= first;
    }
}
