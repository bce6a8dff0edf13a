package dev.lamina.runtime.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Binary cross-entropy on logits, per unit, averaged over all {@code N * K} elements, like PyTorch's
 * {@code BCEWithLogitsLoss} (reduction "mean", no weights).
 *
 * <p>Output (logits) and target (in [0, 1]) have the same shape, normally {@code [N, K]}. The
 * per-element loss {@code -t log s(x) - (1 - t) log(1 - s(x))}, with {@code s} the logistic sigmoid,
 * is evaluated in the overflow-free form
 * <pre>
 *   l(x, t) = max(x, 0) - x t + log(1 + exp(-|x|))
 *   dl/dx   = s(x) - t
 * </pre>
 * and both are divided by the element count.
 */
public final class SigmoidBinaryCrossEntropy implements LossFunction {
    private static final String NAME = "SigmoidBinaryCrossEntropy";

    /** Creates the loss; it holds no state. Same as {@code LossFunction.of} for its {@code Loss}. */
    public SigmoidBinaryCrossEntropy() {}

    @Override
    public double loss(INDArray output, INDArray target) {
        INDArray t = Losses.checkedTarget(NAME, output, target);
        INDArray softplusOfMinusAbs =
                Transforms.log1p(Transforms.exp(Transforms.abs(output, true).negi(), false), false);
        INDArray elementLoss = Transforms.relu(output, true).subi(output.mul(t)).addi(softplusOfMinusAbs);
        return elementLoss.sumNumber().doubleValue() / output.length();
    }

    @Override
    public INDArray gradient(INDArray output, INDArray target) {
        INDArray t = Losses.checkedTarget(NAME, output, target);
        return Transforms.sigmoid(output, true).subi(t).divi(output.length());
    }

    /** Element-wise logistic sigmoid; a new array. */
    @Override
    public INDArray activate(INDArray output) {
        return Transforms.sigmoid(output, true);
    }
}
