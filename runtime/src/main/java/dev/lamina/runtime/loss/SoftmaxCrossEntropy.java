package dev.lamina.runtime.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Softmax followed by the negative log-likelihood, fused, like PyTorch's {@code CrossEntropyLoss}
 * (reduction "mean").
 *
 * <p>Output (logits) and target are {@code [N, K]}; targets are one-hot rows (or, more generally,
 * rows of non-negative class weights). Per row, with the log-sum-exp trick
 * {@code lse = m + log sum_k exp(x_k - m)}, {@code m = max_k x_k}, no exponential overflows for
 * finite logits and {@code log softmax(x)_k = x_k - lse} stays finite:
 * <pre>
 *   loss = (1/N) sum_n sum_k t[n,k] (lse_n - x[n,k])
 *   dLoss/dx[n,k] = (softmax(x)[n,k] * sum_j t[n,j] - t[n,k]) / N      (= (p - t) / N for one-hot t)
 * </pre>
 *
 * <p>The row-wise work runs on the JVM in double precision over a copy of the {@code [N, K]} logits,
 * whatever their type; the gradient is returned in the output's type. Measured reasons, ND4J
 * 1.0.0-M2.1: its broadcast ops (subtracting a per-row max) cost milliseconds each on a busy 2-core
 * machine while one JVM pass over a {@code [128, 10]} batch costs microseconds, and libnd4j's
 * {@code log_softmax} returns {@code -inf} in FLOAT for logits 2e4 apart.
 */
public final class SoftmaxCrossEntropy implements LossFunction {
    private static final String NAME = "SoftmaxCrossEntropy";

    /** Creates the loss; it holds no state. Same as {@code LossFunction.of} for its {@code Loss}. */
    public SoftmaxCrossEntropy() {}

    @Override
    public double loss(INDArray output, INDArray target) {
        checkShapes(output, target);
        int n = (int) output.size(0);
        int k = (int) output.size(1);
        double[] x = rowMajor(output);
        double[] t = rowMajor(target);
        double total = 0;
        for (int row = 0; row < n; row++) {
            double lse = logSumExp(x, row * k, k);
            for (int j = row * k; j < (row + 1) * k; j++) {
                if (t[j] != 0) {
                    total += t[j] * (lse - x[j]);
                }
            }
        }
        return total / n;
    }

    @Override
    public INDArray gradient(INDArray output, INDArray target) {
        checkShapes(output, target);
        int n = (int) output.size(0);
        int k = (int) output.size(1);
        double[] x = rowMajor(output);
        double[] t = rowMajor(target);
        double[] gradient = new double[x.length];
        for (int row = 0; row < n; row++) {
            double lse = logSumExp(x, row * k, k);
            double targetSum = 0;
            for (int j = row * k; j < (row + 1) * k; j++) {
                targetSum += t[j];
            }
            for (int j = row * k; j < (row + 1) * k; j++) {
                gradient[j] = (Math.exp(x[j] - lse) * targetSum - t[j]) / n;
            }
        }
        return toArray(gradient, n, k, output.dataType());
    }

    /** Row-wise softmax of {@code output} {@code [N, K]}, as a new array of the same type. */
    @Override
    public INDArray activate(INDArray output) {
        checkRank2(output);
        int n = (int) output.size(0);
        int k = (int) output.size(1);
        double[] x = rowMajor(output);
        for (int row = 0; row < n; row++) {
            double lse = logSumExp(x, row * k, k);
            for (int j = row * k; j < (row + 1) * k; j++) {
                x[j] = Math.exp(x[j] - lse);
            }
        }
        return toArray(x, n, k, output.dataType());
    }

    /** {@code log sum exp(x[from .. from+k))}, computed as {@code m + log sum exp(x - m)}. */
    private static double logSumExp(double[] x, int from, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = from; j < from + k; j++) {
            max = Math.max(max, x[j]);
        }
        double sum = 0;
        for (int j = from; j < from + k; j++) {
            sum += Math.exp(x[j] - max);
        }
        return max + Math.log(sum);
    }

    /** The elements of {@code array} in row-major order, as doubles (a copy). */
    private static double[] rowMajor(INDArray array) {
        return array.dup('c').data().asDouble();
    }

    private static INDArray toArray(double[] values, int n, int k, DataType type) {
        if (type == DataType.DOUBLE) {
            return Nd4j.createFromArray(values).reshape('c', n, k);
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        INDArray result = Nd4j.createFromArray(floats).reshape('c', n, k);
        return type == DataType.FLOAT ? result : result.castTo(type);
    }

    private static void checkShapes(INDArray output, INDArray target) {
        checkRank2(output);
        Losses.checkedTarget(NAME, output, target);
    }

    private static void checkRank2(INDArray output) {
        if (output.rank() != 2) {
            throw new IllegalArgumentException(NAME + ": expected logits [N, K], found shape "
                    + Arrays.toString(output.shape()) + "; flatten the last layer's output first");
        }
        if (output.length() == 0) {
            throw new IllegalArgumentException(NAME + ": empty output " + Arrays.toString(output.shape()));
        }
    }
}
