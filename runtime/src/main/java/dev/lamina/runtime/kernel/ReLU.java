package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReLU, elementwise; any shape: {@code y = max(x, 0)}, {@code dx = dy * [x > 0]} (0 at x = 0, as
 * PyTorch). x, y, dy share one shape; FLOAT or DOUBLE. Inputs are not modified.
 */
public final class ReLU {
    private ReLU() {}

    /**
     * Forward pass.
     *
     * @param x input, any shape, FLOAT or DOUBLE
     * @return y = f(x), a new array of x's shape and type
     * @throws IllegalArgumentException if x is not FLOAT or DOUBLE
     */
    public static INDArray forward(INDArray x) {
        Support.checkFloating(x, "x");
        INDArray y = Support.newLike(x);
        Nd4j.getExecutioner().exec(new RectifiedLinear(x, y, 0.0));
        return y;
    }

    /**
     * Backward pass.
     *
     * @param x  the forward input
     * @param y  the forward output (unused: the derivative depends on x)
     * @param dy dL/dy, y's shape
     * @return dL/dx, a new array of x's shape and type
     * @throws IllegalArgumentException if the shapes differ or the type is not FLOAT or DOUBLE
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy) {
        Support.checkFloating(x, "x");
        Support.checkSameShape(x, "x", dy, "dy");
        INDArray dx = Support.newLike(x);
        Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(x, dy, dx, 0.0));
        return dx;
    }
}
