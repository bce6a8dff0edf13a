package dev.lamina.runtime.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Squared error averaged over all {@code N * K} elements, like PyTorch's {@code MSELoss} (reduction
 * "mean"): {@code loss = (1/(N K)) sum (x - t)^2}, {@code dLoss/dx = 2 (x - t) / (N K)}.
 */
public final class MeanSquaredError implements LossFunction {
    private static final String NAME = "MeanSquaredError";

    /** Creates the loss; it holds no state. Same as {@code LossFunction.of} for its {@code Loss}. */
    public MeanSquaredError() {}

    @Override
    public double loss(INDArray output, INDArray target) {
        INDArray t = Losses.checkedTarget(NAME, output, target);
        INDArray difference = output.sub(t);
        return difference.muli(difference).sumNumber().doubleValue() / output.length();
    }

    @Override
    public INDArray gradient(INDArray output, INDArray target) {
        INDArray t = Losses.checkedTarget(NAME, output, target);
        return output.sub(t).muli(2.0 / output.length());
    }

    /** The identity: returns {@code output} itself. */
    @Override
    public INDArray activate(INDArray output) {
        return output;
    }
}
