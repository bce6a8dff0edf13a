package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SiLU (sigmoid-weighted linear unit; "Swish" with beta = 1), elementwise; any shape:
 * {@code y = x * sigmoid(x)} (Elfwing, Uchibe and Doya 2018, arXiv 1702.03118; Ramachandran, Zoph and
 * Le 2017, arXiv 1710.05941), as PyTorch's {@code nn.SiLU}. With {@code s = sigmoid(x)}:
 * {@code dy/dx = s (1 + x (1 - s)) = s (1 - y) + y}. x, y, dy share one shape; FLOAT or DOUBLE.
 * Inputs are not modified.
 */
public final class SiLU {
    private SiLU() {}

    /**
     * Forward pass.
     *
     * @param x input, any shape, FLOAT or DOUBLE
     * @return y = x sigmoid(x), a new array of x's shape and type
     * @throws IllegalArgumentException if x is not FLOAT or DOUBLE
     */
    public static INDArray forward(INDArray x) {
        Support.checkFloating(x, "x");
        INDArray y = Support.newLike(x);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid(x, y));
        return y.muli(x);
    }

    /**
     * Backward pass.
     *
     * @param x  the forward input
     * @param y  the forward output, x's shape
     * @param dy dL/dy, x's shape
     * @return dL/dx = dy (s (1 - y) + y) with s = sigmoid(x), a new array of x's shape and type
     * @throws IllegalArgumentException if the shapes or types differ or are not FLOAT or DOUBLE
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy) {
        Support.checkFloating(x, "x");
        Support.checkSameShape(x, "x", y, "y");
        Support.checkSameShape(x, "x", dy, "dy");
        INDArray dx = Support.newLike(x);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid(x, dx));
        // dx = dy (s (1 - y) + y) in one Java pass over s (in dx), y and dy
        Elementwise.apply(dx, (v, len) -> {
            double[] s = v[0], ys = v[1], d = v[2];
            for (int i = 0; i < len; i++) {
                s[i] = d[i] * (s[i] * (1.0 - ys[i]) + ys[i]);
            }
        }, dx, Support.denseC(y), Support.denseC(dy));
        return dx;
    }
}
