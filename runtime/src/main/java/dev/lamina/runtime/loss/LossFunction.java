package dev.lamina.runtime.loss;

import dev.lamina.dsl.Loss;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training objective on the model's raw output. Output and target are {@code [N, K]}; the loss is
 * a mean over the batch (and, for the per-unit losses, over units).
 *
 * <p>Implementations accept FLOAT and DOUBLE outputs and return gradients and activations in the
 * output's data type; a target of another type is cast. They throw {@link IllegalArgumentException}
 * when output and target shapes differ.
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
        return switch (loss) {
            case SOFTMAX_CROSS_ENTROPY -> new SoftmaxCrossEntropy();
            case SIGMOID_BINARY_CROSS_ENTROPY -> new SigmoidBinaryCrossEntropy();
            case MSE -> new MeanSquaredError();
        };
    }
}
