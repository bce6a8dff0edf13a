package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LeakyReLU (Maas, Hannun and Ng 2013), elementwise; any shape: {@code y = x} for x > 0, else
 * {@code alpha * x}; {@code dx = dy} for x > 0, else {@code alpha * dy}, so at x = 0 the slope is
 * alpha, as in PyTorch (libnd4j's {@code leakyrelu_bp} uses 1 there). x, y, dy share one shape;
 * FLOAT or DOUBLE. Inputs are not modified.
 */
public final class LeakyReLU {
    private LeakyReLU() {}

    /**
     * Forward pass.
     *
     * @param x     input, any shape, FLOAT or DOUBLE
     * @param alpha slope for negative inputs
     * @return y = f(x), a new array of x's shape and type
     * @throws IllegalArgumentException if x is not FLOAT or DOUBLE
     */
    public static INDArray forward(INDArray x, double alpha) {
        Support.checkFloating(x, "x");
        INDArray y = Support.newLike(x);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU(x, y, alpha));
        return y;
    }

    /**
     * Backward pass.
     *
     * @param x     the forward input
     * @param y     the forward output (unused: the derivative depends on x)
     * @param dy    dL/dy, y's shape
     * @param alpha the forward pass's slope
     * @return dL/dx, a new array of x's shape and type
     * @throws IllegalArgumentException if the shapes differ or the type is not FLOAT or DOUBLE
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, double alpha) {
        Support.checkFloating(x, "x");
        Support.checkSameShape(x, "x", dy, "dy");
        // slope = alpha + (1 - alpha) * [x > 0]
        INDArray dx = Support.newLike(x);
        Nd4j.getExecutioner().exec(new Step(x, dx, 0.0));
        return dx.muli(1.0 - alpha).addi(alpha).muli(dy);
    }
}
