package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.TimesOneMinus;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sigmoid, elementwise; any shape: {@code y = 1 / (1 + exp(-x))}, {@code dx = dy * y * (1 - y)}.
 * x, y, dy share one shape; FLOAT or DOUBLE. Inputs are not modified.
 */
public final class Sigmoid {
    private Sigmoid() {}

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
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid(x, y));
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
        Nd4j.getExecutioner().exec(new TimesOneMinus(y, dx));
        dx.muli(dy);
        return dx;
    }
}
