package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GELU, the Gaussian error linear unit (Hendrycks and Gimpel 2016, "Gaussian Error Linear Units",
 * arXiv 1606.08415), elementwise; any shape. As PyTorch's {@code nn.GELU(approximate=...)}:
 * <pre>
 *   EXACT: y = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))
 *          dy/dx = Phi(x) + x phi(x),   phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
 *   TANH:  y = 0.5 x (1 + tanh(u)),   u = sqrt(2 / pi) (x + 0.044715 x^3)
 *          dy/dx = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2 / pi) (1 + 3 * 0.044715 x^2)
 * </pre>
 * erf is libnd4j's {@code erf} transform, which agreed with reference values to the last bit in DOUBLE
 * (checked in the test). x, y, dy share one shape; FLOAT or DOUBLE. Inputs are not modified.
 */
public final class GELU {
    private GELU() {}

    /** Which formula: the exact erf form or the tanh approximation (PyTorch's {@code approximate='tanh'}). */
    public enum Approximation {
        /** {@code x * Phi(x)} with the erf form of the normal CDF (PyTorch's default, {@code approximate='none'}). */
        NONE,
        /** {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, as in GPT-2 and BERT's original code. */
        TANH
    }

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double K = 0.044715;

    /**
     * Forward pass of the exact GELU ({@link Approximation#NONE}).
     *
     * @param x input, any shape, FLOAT or DOUBLE
     * @return y = x Phi(x), a new array of x's shape and type
     * @throws IllegalArgumentException if x is not FLOAT or DOUBLE
     */
    public static INDArray forward(INDArray x) {
        return forward(x, Approximation.NONE);
    }

    /**
     * Forward pass.
     *
     * @param x             input, any shape, FLOAT or DOUBLE
     * @param approximation {@link Approximation#NONE} for the erf form, {@link Approximation#TANH} for the tanh form
     * @return y, a new array of x's shape and type
     * @throws IllegalArgumentException if x is not FLOAT or DOUBLE
     * @throws NullPointerException if approximation is null
     */
    public static INDArray forward(INDArray x, Approximation approximation) {
        Support.checkFloating(x, "x");
        Support.checkNotNull(approximation, "approximation");
        INDArray y = Support.newLike(x);
        if (approximation == Approximation.NONE) {
            // y = 0.5 x (1 + erf(x / sqrt 2))
            y.assign(x).muli(INV_SQRT2);
            Nd4j.getExecutioner().exec(new Erf(y, y));
        } else {
            // y = 0.5 x (1 + tanh(c (x + k x^3)))
            tanhOfU(x, y);
        }
        return y.addi(1.0).muli(x).muli(0.5);
    }

    /** t = tanh(sqrt(2/pi) (x + k x^3)), written into t (x's shape). */
    private static void tanhOfU(INDArray x, INDArray t) {
        t.assign(x).muli(x).muli(K).addi(1.0).muli(x).muli(SQRT_2_OVER_PI);
        Nd4j.getExecutioner().exec(new Tanh(t, t));
    }

    /**
     * Backward pass of the exact GELU ({@link Approximation#NONE}).
     *
     * @param x  the forward input
     * @param y  the forward output (checked for shape; the derivative is computed from x)
     * @param dy dL/dy, x's shape
     * @return dL/dx, a new array of x's shape and type
     * @throws IllegalArgumentException if the shapes or types differ or are not FLOAT or DOUBLE
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy) {
        return backward(x, y, dy, Approximation.NONE);
    }

    /**
     * Backward pass.
     *
     * @param x             the forward input
     * @param y             the forward output (checked for shape; the derivative is computed from x)
     * @param dy            dL/dy, x's shape
     * @param approximation the forward pass's approximation
     * @return dL/dx, a new array of x's shape and type
     * @throws IllegalArgumentException if the shapes or types differ or are not FLOAT or DOUBLE
     * @throws NullPointerException if approximation is null
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, Approximation approximation) {
        Support.checkFloating(x, "x");
        Support.checkSameShape(x, "x", y, "y");
        Support.checkSameShape(x, "x", dy, "dy");
        Support.checkNotNull(approximation, "approximation");
        INDArray dx = Support.newLike(x);
        INDArray tmp = Support.newLike(x);
        if (approximation == Approximation.NONE) {
            // Phi(x) = 0.5 (1 + erf(x / sqrt 2))
            dx.assign(x).muli(INV_SQRT2);
            Nd4j.getExecutioner().exec(new Erf(dx, dx));
            dx.addi(1.0).muli(0.5);
            // + x phi(x) = x exp(-x^2 / 2) / sqrt(2 pi)
            tmp.assign(x).muli(x).muli(-0.5);
            Nd4j.getExecutioner().exec(new Exp(tmp, tmp));
            dx.addi(tmp.muli(x).muli(INV_SQRT_2PI));
        } else {
            // t = tanh u; 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 k x^2)
            tanhOfU(x, dx);
            tmp.assign(dx).muli(dx).rsubi(1.0).muli(x).muli(0.5 * SQRT_2_OVER_PI);
            INDArray poly = Support.newLike(x).assign(x).muli(x).muli(3.0 * K).addi(1.0);
            tmp.muli(poly);
            dx.addi(1.0).muli(0.5).addi(tmp);
        }
        return dx.muli(dy);
    }
}
