package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Tanh, elementwise; any shape: {@code y = tanh(x)}, {@code dx = dy * (1 - y^2)}. x, y, dy share
 * one shape; FLOAT or DOUBLE. Inputs are not modified.
 */
public final class Tanh {
    private Tanh() {}

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
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh(x, y));
        return y;
    }

    /**
     * Backward pass.
     *
     * @param x  the forward input (unused: the derivative depends on y)
     * @param y  the forward output
     * @param dy dL/dy, y's shape
     * @return dL/dx, a new array of x's shape and type
     * @throws IllegalArgumentException if the shapes differ or the type is not FLOAT or DOUBLE
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy) {
        Support.checkFloating(y, "y");
        Support.checkSameShape(y, "y", dy, "dy");
        INDArray dx = Support.newLike(y);
        dx.assign(y).muli(y).rsubi(1.0).muli(dy);
        return dx;
    }
}
