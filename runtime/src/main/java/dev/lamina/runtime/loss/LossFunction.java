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
    /**
     * The loss of a batch.
     *
     * @param output the model's raw output {@code [N, K]}
     * @param target targets {@code [N, K]} (one-hot rows for the cross-entropy losses)
     * @return the mean loss over the batch
     * @throws IllegalArgumentException if the shapes differ
     */
    double loss(INDArray output, INDArray target);

    /**
     * The gradient of {@link #loss} with respect to the output.
     *
     * @param output the model's raw output {@code [N, K]}
     * @param target targets {@code [N, K]}
     * @return dLoss/dOutput {@code [N, K]}, already divided by the batch size, in the output's data type
     * @throws IllegalArgumentException if the shapes differ
     */
    INDArray gradient(INDArray output, INDArray target);

    /**
     * The output activation that turns raw outputs into predictions.
     *
     * @param output the model's raw output {@code [N, K]}
     * @return predictions {@code [N, K]}: softmax over K, the logistic sigmoid, or the output itself
     */
    INDArray activate(INDArray output);

    /**
     * The implementation of a declared loss.
     *
     * @param loss the loss on a {@code @Sequential} model
     * @return a new, stateless implementation
     */
    static LossFunction of(Loss loss) {
        return switch (loss) {
            case SOFTMAX_CROSS_ENTROPY -> new SoftmaxCrossEntropy();
            case SIGMOID_BINARY_CROSS_ENTROPY -> new SigmoidBinaryCrossEntropy();
            case MSE -> new MeanSquaredError();
        };
    }
}
