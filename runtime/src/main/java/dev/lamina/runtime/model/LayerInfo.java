package dev.lamina.runtime.model;

import dev.lamina.dsl.Layer;
import java.util.Arrays;

/**
 * The immutable description of one layer that generated models return from their layer methods.
 *
 * @param name           the declaring method's name
 * @param kind           the layer annotation's simple name
 * @param outputShapeDims output shape of one example, without the batch axis
 * @param parameterCount trainable scalars in the layer
 */
public record LayerInfo(String name, String kind, int[] outputShapeDims, long parameterCount)
        implements Layer {
    /**
     * Copies {@code outputShapeDims}.
     *
     * @param name            the declaring method's name
     * @param kind            the layer annotation's simple name
     * @param outputShapeDims output shape of one example, without the batch axis
     * @param parameterCount  trainable scalars in the layer
     */
    public LayerInfo {
        outputShapeDims = outputShapeDims.clone();
    }

    @Override
    public int[] outputShape() {
        return outputShapeDims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerInfo that
                && name.equals(that.name)
                && kind.equals(that.kind)
                && Arrays.equals(outputShapeDims, that.outputShapeDims)
                && parameterCount == that.parameterCount;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + kind.hashCode()) + Arrays.hashCode(outputShapeDims);
    }

    @Override
    public String toString() {
        return name + " (" + kind + ") " + Arrays.toString(outputShapeDims) + ", " + parameterCount + " params";
    }
}
