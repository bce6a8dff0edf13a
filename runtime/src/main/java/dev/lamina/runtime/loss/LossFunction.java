package dev.lamina.runtime.loss;

import dev.lamina.dsl.Loss;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training objective on the model's raw output. Output and target are {@code [N, K]}; the loss is
 * a mean over the batch (and, for the per-unit losses, over units).
 */
public interface LossFunction {
    /** Mean loss over the batch. */
    double loss(INDArray output, INDArray target);

    /** dLoss/dOutput, same shape as output (already divided by the batch size). */
    INDArray gradient(INDArray output, INDArray target);

    /** The output activation that turns raw outputs into predictions (softmax, sigmoid or identity). */
    INDArray activate(INDArray output);

    /** The implementation of a declared {@link Loss}. */
    static LossFunction of(Loss loss) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
