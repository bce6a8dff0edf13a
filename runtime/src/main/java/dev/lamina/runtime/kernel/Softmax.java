package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Softmax over axis 1 of {@code [N, F]}, numerically stable (max subtracted):
 * {@code y[n,j] = exp(x[n,j] - m_n) / sum_k exp(x[n,k] - m_n)} with {@code m_n = max_k x[n,k]}.
 * FLOAT or DOUBLE. Inputs are not modified.
 */
public final class Softmax {
    private Softmax() {}

    /**
     * Forward pass.
     *
     * @param x logits {@code [N, F]}, FLOAT or DOUBLE
     * @return y {@code [N, F]}, a new array; each row sums to 1
     * @throws IllegalArgumentException if x is not of rank 2
     */
    public static INDArray forward(INDArray x) {
        Support.checkRank(x, 2, "x");
        INDArray y = Support.newLike(x);
        Nd4j.exec(new SoftMax(x, y, 1));
        return y;
    }

    /**
     * Backward pass: {@code dx = y * (dy - sum_j dy_j y_j)} per row.
     *
     * @param x  the forward input (unused: the derivative depends on y)
     * @param y  the forward output {@code [N, F]}
     * @param dy dL/dy {@code [N, F]}
     * @return dL/dx {@code [N, F]}, a new array
     * @throws IllegalArgumentException if y is not of rank 2 or dy's shape differs
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy) {
        Support.checkRank(y, 2, "y");
        Support.checkSameShape(y, "y", dy, "dy");
        INDArray dx = Support.newLike(y);
        dx.assign(dy).muli(y);
        INDArray rowDot = dx.sum(1);
        Support.broadcastSub(dy, rowDot, dx, 0);
        dx.muli(y);
        return dx;
    }
}
