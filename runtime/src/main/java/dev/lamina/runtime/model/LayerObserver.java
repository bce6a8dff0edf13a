package dev.lamina.runtime.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Receives each layer's output during {@link Model#forward(INDArray, boolean, LayerObserver)}, right
 * after the layer computed it, in the order the model runs its layers: declaration order, except where
 * the processor's rewrites reordered layers (max pooling moved before a monotone activation, which
 * gives the same values); so each layer's input is the output observed just before it.
 */
@FunctionalInterface
public interface LayerObserver {
    /**
     * Called once per layer and forward pass.
     *
     * @param layer  the layer's name (its declaring method), as in {@link Model#layers()}
     * @param output the layer's output for the whole batch, {@code [N, ...layer.outputShape()]}. It is
     *               the model's own array: read it here and do not modify it, and copy it ({@code dup()})
     *               to keep it, since later passes may reuse or overwrite it.
     */
    void layerOutput(String layer, INDArray output);
}
