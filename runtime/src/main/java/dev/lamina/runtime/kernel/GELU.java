package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
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
 * The tanh form is computed as {@code x * sigmoid(2u)}, the same function
 * ({@code 0.5 (1 + tanh u) = sigmoid(2u)}). erf, exp and sigmoid are libnd4j transforms (vectorised;
 * its erf agreed with reference values to the last bit in DOUBLE, see the test); the arithmetic around
 * them is one fused Java pass ({@link Elementwise}). x, y, dy share one shape; FLOAT or DOUBLE. Inputs
 * are not modified.
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
        INDArray xc = Support.denseC(x);
        INDArray y = Support.newLike(x);
        if (approximation == Approximation.NONE) {
            // e = erf(x / sqrt 2) (libnd4j), then y = 0.5 x (1 + e) in one Java pass
            Nd4j.getExecutioner().exec(new ScalarMultiplication(xc, null, y, INV_SQRT2));
            Nd4j.getExecutioner().exec(new Erf(y, y));
            Elementwise.apply(y, (v, len) -> {
                double[] e = v[0], xs = v[1];
                for (int i = 0; i < len; i++) {
                    e[i] = 0.5 * xs[i] * (1.0 + e[i]);
                }
            }, y, xc);
        } else {
            // 0.5 (1 + tanh u) = sigmoid(2u) =: s, then y = x s
            sigmoidOfTwoU(xc, y);
            Elementwise.apply(y, (v, len) -> {
                double[] sg = v[0], xs = v[1];
                for (int i = 0; i < len; i++) {
                    sg[i] *= xs[i];
                }
            }, y, xc);
        }
        return y;
    }

    /**
     * s = sigmoid(2u), u = sqrt(2/pi) (x + k x^3), written into s (x's shape, dense); x dense. The tanh
     * form's {@code 0.5 (1 + tanh u)} equals {@code sigmoid(2u)}, and libnd4j's sigmoid measured about
     * twice as fast as its tanh (FLOAT, 524k values, one thread: 1.4 against 2.7 ms).
     */
    private static void sigmoidOfTwoU(INDArray x, INDArray s) {
        Elementwise.apply(s, (v, len) -> {
            double[] xs = v[0];
            for (int i = 0; i < len; i++) {
                double a = xs[i];
                xs[i] = 2.0 * SQRT_2_OVER_PI * (a + K * a * a * a);
            }
        }, x);
        Nd4j.getExecutioner().exec(new Sigmoid(s, s));
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
        INDArray xc = Support.denseC(x);
        INDArray dyc = Support.denseC(dy);
        INDArray dx = Support.newLike(x);
        if (approximation == Approximation.NONE) {
            // e = erf(x / sqrt 2) and g = exp(-x^2 / 2) by libnd4j, then one Java pass:
            // dx = dy (0.5 (1 + e) + x g / sqrt(2 pi))
            INDArray g = Support.newLike(x);
            Nd4j.getExecutioner().exec(new ScalarMultiplication(xc, null, dx, INV_SQRT2));
            Nd4j.getExecutioner().exec(new MulOp(dx, dx, g));
            Nd4j.getExecutioner().exec(new ScalarMultiplication(g, null, g, -1.0));
            Nd4j.getExecutioner().exec(new Exp(g, g));
            Nd4j.getExecutioner().exec(new Erf(dx, dx));
            Elementwise.apply(dx, (v, len) -> {
                double[] e = v[0], xs = v[1], gs = v[2], d = v[3];
                for (int i = 0; i < len; i++) {
                    e[i] = d[i] * (0.5 * (1.0 + e[i]) + xs[i] * gs[i] * INV_SQRT_2PI);
                }
            }, dx, xc, g, dyc);
        } else {
            // s = sigmoid(2u) = 0.5 (1 + tanh u); y = x s, so
            // dx = dy (s + x s (1 - s) 2 c (1 + 3 k x^2)), the tanh form's derivative rewritten
            sigmoidOfTwoU(xc, dx);
            Elementwise.apply(dx, (v, len) -> {
                double[] sg = v[0], xs = v[1], d = v[2];
                for (int i = 0; i < len; i++) {
                    double a = xs[i], s2 = sg[i];
                    sg[i] = d[i] * (s2 + a * s2 * (1.0 - s2) * 2.0 * SQRT_2_OVER_PI * (1.0 + 3.0 * K * a * a));
                }
            }, dx, xc, dyc);
        }
        return dx;
    }
}
