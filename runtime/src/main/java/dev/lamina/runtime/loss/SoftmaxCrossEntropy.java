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
 * <p><b>Sequences.</b> Logits {@code [N, T, K]} (one prediction per position, as for next-token
 * prediction) take either class ids {@code [N, T]} (INT, LONG, or a floating type holding whole
 * numbers) or one-hot targets {@code [N, T, K]}. The softmax is over the last axis and the loss is
 * the mean over all {@code N * T} positions, as PyTorch's {@code CrossEntropyLoss} on the logits
 * viewed as {@code [N * T, K]} with targets {@code [N * T]}:
 * <pre>
 *   loss = (1/(N T)) sum_{n,t} (lse_{n,t} - x[n,t,y[n,t]])
 *   dLoss/dx[n,t,k] = (softmax(x[n,t])_k - [k == y[n,t]]) / (N T)
 * </pre>
 * Every position counts: sequences have a fixed length, there is no padding mask or ignored index yet.
 *
 * <p>The row-wise work runs on the JVM in double precision over a copy of the logits,
 * whatever their type; the gradient is returned in the output's type. Measured reasons, ND4J
 * 1.0.0-M2.1: its broadcast ops (subtracting a per-row max) cost milliseconds each on a busy 2-core
 * machine while one JVM pass over a {@code [128, 10]} batch costs microseconds, and libnd4j's
 * {@code log_softmax} returns {@code -inf} in FLOAT for logits 2e4 apart.
 */
public final class SoftmaxCrossEntropy implements LossFunction {
    private static final String NAME = "SoftmaxCrossEntropy";

    /** Creates the loss; it holds no state. Same as {@code LossFunction.of} for its {@code Loss}. */
    public SoftmaxCrossEntropy() {}

    /**
     * The mean loss over the rows ({@code N}) or positions ({@code N * T}).
     *
     * @param output logits {@code [N, K]} or {@code [N, T, K]}
     * @param target one-hot {@code [N, K]} or {@code [N, T, K]}, or class ids {@code [N, T]} for rank-3 logits
     * @return the mean loss
     * @throws IllegalArgumentException if the shapes do not fit one of these forms (naming both), or a class
     *     id is not a whole number in {@code [0, K)} (naming the example, position and id)
     */
    @Override
    public double loss(INDArray output, INDArray target) {
        Rows rows = rows(output, target);
        int n = rows.count;
        int k = rows.width;
        double[] x = rowMajor(output);
        double total = 0;
        if (rows.ids != null) {
            for (int row = 0; row < n; row++) {
                total += logSumExp(x, row * k, k) - x[row * k + rows.ids[row]];
            }
            return total / n;
        }
        double[] t = rowMajor(target);
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

    /**
     * The gradient of {@link #loss} with respect to the logits.
     *
     * @param output logits {@code [N, K]} or {@code [N, T, K]}
     * @param target as for {@link #loss}
     * @return dLoss/dOutput, the output's shape and type, already divided by {@code N} (or {@code N * T})
     * @throws IllegalArgumentException as {@link #loss}
     */
    @Override
    public INDArray gradient(INDArray output, INDArray target) {
        Rows rows = rows(output, target);
        int n = rows.count;
        int k = rows.width;
        double[] x = rowMajor(output);
        double[] t = rows.ids == null ? rowMajor(target) : null;
        double[] gradient = new double[x.length];
        for (int row = 0; row < n; row++) {
            double lse = logSumExp(x, row * k, k);
            if (t == null) {
                for (int j = row * k; j < (row + 1) * k; j++) {
                    gradient[j] = Math.exp(x[j] - lse) / n;
                }
                gradient[row * k + rows.ids[row]] -= 1.0 / n;
                continue;
            }
            double targetSum = 0;
            for (int j = row * k; j < (row + 1) * k; j++) {
                targetSum += t[j];
            }
            for (int j = row * k; j < (row + 1) * k; j++) {
                gradient[j] = (Math.exp(x[j] - lse) * targetSum - t[j]) / n;
            }
        }
        return toArray(gradient, output.shape(), output.dataType());
    }

    /**
     * Softmax over the last axis of {@code output} {@code [N, K]} or {@code [N, T, K]}, as a new array of
     * the same shape and type.
     *
     * @throws IllegalArgumentException if {@code output} is not of rank 2 or 3, or is empty
     */
    @Override
    public INDArray activate(INDArray output) {
        checkLogits(output);
        int k = (int) output.size(output.rank() - 1);
        int n = (int) (output.length() / k);
        double[] x = rowMajor(output);
        for (int row = 0; row < n; row++) {
            double lse = logSumExp(x, row * k, k);
            for (int j = row * k; j < (row + 1) * k; j++) {
                x[j] = Math.exp(x[j] - lse);
            }
        }
        return toArray(x, output.shape(), output.dataType());
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

    private static INDArray toArray(double[] values, long[] shape, DataType type) {
        if (type == DataType.DOUBLE) {
            return Nd4j.createFromArray(values).reshape('c', shape);
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        INDArray result = Nd4j.createFromArray(floats).reshape('c', shape);
        return type == DataType.FLOAT ? result : result.castTo(type);
    }

    /**
     * The softmax rows of a batch: {@code count} rows of {@code width} logits, and the class id of each
     * row when the target holds ids (else null: the target has the output's shape).
     */
    private record Rows(int count, int width, int[] ids) {}

    private static Rows rows(INDArray output, INDArray target) {
        checkLogits(output);
        int k = (int) output.size(output.rank() - 1);
        int count = (int) (output.length() / k);
        if (output.rank() == 3 && target.rank() == 2 && target.size(0) == output.size(0)
                && target.size(1) == output.size(1)) {
            return new Rows(count, k, classIds(target, k, (int) output.size(1)));
        }
        if (output.rank() == 3 && !Arrays.equals(output.shape(), target.shape())) {
            throw new IllegalArgumentException(NAME + ": logits " + Arrays.toString(output.shape())
                    + " need class ids " + Arrays.toString(new long[] {output.size(0), output.size(1)})
                    + " or one-hot targets of the same shape, found target shape " + Arrays.toString(target.shape()));
        }
        Losses.checkedTarget(NAME, output, target);
        return new Rows(count, k, null);
    }

    /** The ids of {@code target} {@code [N, T]}, row-major, checked to be whole numbers in {@code [0, k)}. */
    private static int[] classIds(INDArray target, int k, int positions) {
        double[] values = rowMajor(target);
        int[] ids = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double id = values[i];
            if (!(id >= 0 && id < k) || id != Math.rint(id)) {
                throw new IllegalArgumentException(NAME + ": class id of example " + i / positions + " at position "
                        + i % positions + " must be a whole number in [0, " + k + "), found " + id);
            }
            ids[i] = (int) id;
        }
        return ids;
    }

    private static void checkLogits(INDArray output) {
        if (output.rank() != 2 && output.rank() != 3) {
            throw new IllegalArgumentException(NAME + ": expected logits [N, K] or [N, T, K], found shape "
                    + Arrays.toString(output.shape()) + "; flatten the last layer's output first");
        }
        if (output.length() == 0) {
            throw new IllegalArgumentException(NAME + ": empty output " + Arrays.toString(output.shape()));
        }
    }
}
