package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Global average pooling over one axis of a rank-3 batch, for the two sequence layouts:
 * <ul>
 *   <li>axis 2, a signal {@code [N, C, L]} (PyTorch's Conv1d layout): {@code y[n, c] = mean_l x[n, c, l]},
 *       y {@code [N, C]}, as {@code nn.AdaptiveAvgPool1d(1)} then flatten;
 *   <li>axis 1, a token sequence {@code [N, T, D]}: {@code y[n, d] = mean_t x[n, t, d]}, y {@code [N, D]},
 *       the mean pooling that ends a ViT without a class token (Beyer, Zhai and Kolesnikov 2022,
 *       "Better plain ViT baselines", arXiv 2205.01580).
 * </ul>
 * Backward spreads {@code dy / (length of the axis)} over every position averaged. FLOAT or DOUBLE; inputs
 * are not modified.
 */
public final class GlobalAvgPool1d {
    private GlobalAvgPool1d() {}

    /**
     * Forward pass.
     *
     * @param x    {@code [N, C, L]} (axis 2) or {@code [N, T, D]} (axis 1), FLOAT or DOUBLE
     * @param axis the axis to average over: 2 for a signal, 1 for a token sequence
     * @return y {@code [N, x.size(3 - axis)]}, a new array of x's type
     * @throws IllegalArgumentException if x is not of rank 3, axis is not 1 or 2, or the axis is empty
     */
    public static INDArray forward(INDArray x, int axis) {
        check(x, axis);
        int n = (int) x.size(0), a = (int) x.size(1), b = (int) x.size(2), block = a * b;
        int kept = axis == 1 ? b : a;
        INDArray xc = Support.denseC(x);
        INDArray y = Support.newArray(x.dataType(), n, kept);
        Buffer xb = Segments.buffer(xc), yb = Segments.buffer(y);
        int xo = (int) xc.offset(), yo = (int) y.offset();
        Parallel.forRange(n, x.length(), (from, to) -> {
            for (int e = from; e < to; e++) {
                double[] v = Rows.read(xb, xo + e * block, block, 0);
                double[] out = Staging.doubles(1, kept);
                Arrays.fill(out, 0, kept, 0.0);
                for (int i = 0; i < a; i++) {
                    for (int j = 0; j < b; j++) {
                        out[axis == 1 ? j : i] += v[i * b + j];
                    }
                }
                double inv = 1.0 / (axis == 1 ? a : b);
                for (int k = 0; k < kept; k++) {
                    out[k] *= inv;
                }
                Rows.write(yb, yo + e * kept, out, kept, 1);
            }
        });
        return y;
    }

    /**
     * Backward pass.
     *
     * @param x    the forward input (only its shape and type are read)
     * @param dy   dL/dy {@code [N, x.size(3 - axis)]}
     * @param axis the forward pass's axis
     * @return dL/dx, x's shape: {@code dy / x.size(axis)} at every position averaged, a new array
     * @throws IllegalArgumentException if dy does not have the forward output's shape and x's type
     */
    public static INDArray backward(INDArray x, INDArray dy, int axis) {
        check(x, axis);
        int n = (int) x.size(0), a = (int) x.size(1), b = (int) x.size(2), block = a * b;
        int kept = axis == 1 ? b : a;
        Support.checkShape(dy, "dy", n, kept);
        Support.checkSameType(x, dy, "dy");
        INDArray dyc = Support.denseC(dy);
        INDArray dx = Support.newLike(x);
        Buffer gb = Segments.buffer(dyc), db = Segments.buffer(dx);
        int go = (int) dyc.offset(), dOff = (int) dx.offset();
        double inv = 1.0 / (axis == 1 ? a : b);
        Parallel.forRange(n, x.length(), (from, to) -> {
            for (int e = from; e < to; e++) {
                double[] g = Rows.read(gb, go + e * kept, kept, 0);
                double[] out = Staging.doubles(1, block);
                for (int i = 0; i < a; i++) {
                    for (int j = 0; j < b; j++) {
                        out[i * b + j] = g[axis == 1 ? j : i] * inv;
                    }
                }
                Rows.write(db, dOff + e * block, out, block, 1);
            }
        });
        return dx;
    }

    private static void check(INDArray x, int axis) {
        Support.checkRank(x, 3, "x");
        if (axis != 1 && axis != 2) {
            throw new IllegalArgumentException(
                    "axis must be 1 (tokens [N, T, D]) or 2 (signal [N, C, L]), was " + axis);
        }
        if (x.size(axis) == 0) {
            throw new IllegalArgumentException(
                    "nothing to average on axis " + axis + " of x " + Arrays.toString(x.shape()));
        }
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
    }
}
