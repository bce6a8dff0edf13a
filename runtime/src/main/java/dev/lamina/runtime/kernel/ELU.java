package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ELU (Clevert, Unterthiner and Hochreiter 2016), elementwise; any shape:
 * {@code y = x} for x > 0, else {@code alpha * (exp(x) - 1)}. Backward uses the output, as PyTorch
 * does: {@code dy/dx = 1} for y > 0, else {@code y + alpha}, so it needs no exp. x, y, dy share one
 * shape; FLOAT or DOUBLE. Inputs are not modified.
 *
 * <p>Both passes are compositions of simple libnd4j transforms, branch-free per element:
 * {@code y = alpha * (exp(min(x, 0)) - 1) + max(x, 0)}; libnd4j's own {@code elu} and
 * {@code elu_bp} measured 1.5-3x slower at the seed network's shapes, and so did single fused
 * passes in Java (libnd4j's passes are vectorised, Java loops over direct buffers are not).
 */
public final class ELU {
    private ELU() {}

    /**
     * Forward pass.
     *
     * @param x     input, any shape, FLOAT or DOUBLE
     * @param alpha saturation value for negative inputs
     * @return y = f(x), a new array of x's shape and type
     * @throws IllegalArgumentException if x is not FLOAT or DOUBLE
     */
    public static INDArray forward(INDArray x, double alpha) {
        Support.checkFloating(x, "x");
        INDArray y = Support.newLike(x);
        Nd4j.getExecutioner().exec(new ScalarMin(x, null, y, 0.0));
        Nd4j.getExecutioner().exec(new Exp(y, y));
        y.subi(1.0);
        if (alpha != 1.0) {
            y.muli(alpha);
        }
        INDArray positive = Support.newLike(x);
        Nd4j.getExecutioner().exec(new RectifiedLinear(x, positive, 0.0));
        return y.addi(positive);
    }

    /**
     * Backward pass.
     *
     * @param x     the forward input (checked for shape only: the derivative depends on y)
     * @param y     the forward output
     * @param dy    dL/dy, y's shape
     * @param alpha the forward pass's alpha
     * @return dL/dx, a new array of x's shape and type
     * @throws IllegalArgumentException if the shapes differ or the type is not FLOAT or DOUBLE
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, double alpha) {
        Support.checkFloating(x, "x");
        Support.checkSameShape(x, "x", y, "y");
        Support.checkSameShape(x, "x", dy, "dy");
        // slope = min(y, 0) + alpha for y <= 0, and 1 for y > 0
        INDArray dx = Support.newLike(y);
        Nd4j.getExecutioner().exec(new ScalarMin(y, null, dx, 0.0));
        dx.addi(alpha);
        if (alpha != 1.0) {
            INDArray positive = Support.newLike(y);
            Nd4j.getExecutioner().exec(new Step(y, positive, 0.0));
            dx.addi(positive.muli(1.0 - alpha));
        }
        return dx.muli(dy);
    }
}
