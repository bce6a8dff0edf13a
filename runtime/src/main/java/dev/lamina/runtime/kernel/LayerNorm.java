package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkSameType;
import static dev.lamina.runtime.kernel.Support.checkShape;

import java.nio.Buffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layer normalisation over the last axis (Ba, Kiros and Hinton 2016, "Layer Normalization",
 * arXiv 1607.06450) with PyTorch's {@code nn.LayerNorm(D, eps)} semantics: every row of D features
 * (one token, or one example) is normalised by its own mean and biased variance, eps inside the
 * square root, then scaled and shifted per feature. No running statistics: training and inference
 * compute the same thing.
 *
 * <p>x is {@code [N, D]} or {@code [N, T, D]} (batch N, tokens T, features D); gamma (scale) and beta
 * (shift) are {@code [D]}. Per row r of D values:
 * <pre>
 *   mean = sum x / D,   var = sum (x - mean)^2 / D,   invStd = 1 / sqrt(var + eps)
 *   xHat = (x - mean) * invStd,   y = gamma * xHat + beta
 * </pre>
 * PyTorch's default eps is 1e-5. Backward, with g = dy * gamma and the means over the row's D features:
 * <pre>
 *   dBeta += sum_rows dy,   dGamma += sum_rows dy * xHat
 *   dx = invStd * (g - mean(g) - xHat * mean(g * xHat))
 * </pre>
 * FLOAT or DOUBLE; all arrays share x's type. Statistics are computed in double (two passes over the
 * row). Inputs are not modified.
 */
public final class LayerNorm {
    private LayerNorm() {}

    /** What {@link #forward} keeps for {@link #backward}. */
    public static final class Cache {
        /** Normalised input, x's shape. */
        public INDArray xHat;
        /** {@code 1 / sqrt(var + eps)} per row: x's shape without the last axis ({@code [N]} or {@code [N, T]}). */
        public INDArray invStd;

        /** An empty cache, for {@link #forward} to fill. */
        public Cache() {}
    }

    /** Rows per unit of parallel work, aiming at a few thousand values per block. */
    private static int rowsPerBlock(int d) {
        return Math.max(1, 4096 / Math.max(1, d));
    }

    /**
     * Forward pass, the same in training and inference.
     *
     * @param x     input {@code [N, D]} or {@code [N, T, D]}, FLOAT or DOUBLE
     * @param gamma scale {@code [D]}
     * @param beta  shift {@code [D]}
     * @param eps   added to the variance inside the square root, positive (PyTorch: 1e-5)
     * @param cache receives xHat (x's shape) and invStd (x's shape without its last axis) for
     *     {@link #backward}; null when no backward pass follows (inference)
     * @return y, x's shape and type, a new array
     * @throws IllegalArgumentException if x is not of rank 2 or 3, gamma or beta is not {@code [D]},
     *     the types differ, or eps is not positive
     */
    public static INDArray forward(INDArray x, INDArray gamma, INDArray beta, double eps, Cache cache) {
        check(x, gamma, "x");
        checkShape(beta, "beta", x.size(x.rank() - 1));
        checkSameType(x, beta, "beta");
        if (!(eps > 0.0)) {
            throw new IllegalArgumentException("eps must be positive, was " + eps);
        }
        int d = (int) x.size(x.rank() - 1);
        int rows = (int) (x.length() / Math.max(1, d));
        INDArray xc = Support.denseC(x);
        INDArray y = Support.newLike(x);
        INDArray xHat = cache == null ? null : Support.newLike(x);
        double[] g = gamma.toDoubleVector(), b = beta.toDoubleVector();
        double[] invStd = new double[rows];
        Buffer xb = Segments.buffer(xc), yb = Segments.buffer(y), hb = xHat == null ? null : Segments.buffer(xHat);
        int xo = (int) xc.offset(), yo = (int) y.offset(), ho = xHat == null ? 0 : (int) xHat.offset();
        int per = rowsPerBlock(d);
        int blocks = (rows + per - 1) / per;
        Parallel.forRange(blocks, 3L * x.length(), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int r0 = blk * per, r1 = Math.min(rows, r0 + per), len = (r1 - r0) * d, at = r0 * d;
                double[] v = Rows.read(xb, xo + at, len, 0);
                double[] out = Staging.doubles(1, len);
                for (int r = r0; r < r1; r++) {
                    int o = (r - r0) * d;
                    double sum = 0;
                    for (int i = 0; i < d; i++) {
                        sum += v[o + i];
                    }
                    double mean = sum / d;
                    double sq = 0;
                    for (int i = 0; i < d; i++) {
                        double c = v[o + i] - mean;
                        sq += c * c;
                    }
                    double inv = 1.0 / Math.sqrt(sq / d + eps);
                    invStd[r] = inv;
                    for (int i = 0; i < d; i++) {
                        double h = (v[o + i] - mean) * inv;
                        v[o + i] = h;
                        out[o + i] = h * g[i] + b[i];
                    }
                }
                Rows.write(yb, yo + at, out, len, 1);
                if (hb != null) {
                    Rows.write(hb, ho + at, v, len, 0);
                }
            }
        });
        if (cache != null) {
            cache.xHat = xHat;
            cache.invStd = BatchNorm.vector(invStd, x).reshape('c', Arrays.copyOf(x.shape(), x.rank() - 1));
        }
        return y;
    }

    /**
     * Backward pass: accumulates dGamma and dBeta, returns dL/dx.
     *
     * @param dy     dL/dy, x's shape
     * @param gamma  the forward pass's scale {@code [D]}
     * @param cache  as filled by the matching {@link #forward}
     * @param dGamma accumulator {@code [D]}, updated in place
     * @param dBeta  accumulator {@code [D]}, updated in place
     * @return dL/dx, x's shape and type, a new array
     * @throws IllegalStateException if cache was not filled by {@link #forward}
     * @throws IllegalArgumentException if dy does not have the cached x's shape and type, or gamma,
     *     dGamma or dBeta is not {@code [D]} of that type
     */
    public static INDArray backward(INDArray dy, INDArray gamma, Cache cache, INDArray dGamma, INDArray dBeta) {
        Support.checkNotNull(cache, "cache");
        if (cache.xHat == null || cache.invStd == null) {
            throw new IllegalStateException("LayerNorm.backward needs a cache filled by forward");
        }
        INDArray xHat = cache.xHat;
        check(xHat, gamma, "the cached xHat");
        Support.checkSameShape(xHat, "the cached xHat", dy, "dy");
        int d = (int) xHat.size(xHat.rank() - 1);
        checkShape(dGamma, "dGamma", d);
        checkSameType(xHat, dGamma, "dGamma");
        checkShape(dBeta, "dBeta", d);
        checkSameType(xHat, dBeta, "dBeta");
        int rows = (int) (xHat.length() / Math.max(1, d));
        INDArray dyc = Support.denseC(dy);
        INDArray dx = Support.newLike(xHat);
        double[] g = gamma.toDoubleVector();
        double[] invStd = cache.invStd.reshape(cache.invStd.length()).toDoubleVector();
        Buffer dyb = Segments.buffer(dyc), hb = Segments.buffer(xHat), dxb = Segments.buffer(dx);
        int dyo = (int) dyc.offset(), ho = (int) xHat.offset(), dxo = (int) dx.offset();
        int per = rowsPerBlock(d);
        int blocks = (rows + per - 1) / per;
        // Per-block partial sums for dGamma and dBeta, added in block order: the result does not
        // depend on how blocks were spread over threads.
        double[][] partial = new double[blocks][2 * d];
        Parallel.forRange(blocks, 5L * dy.length(), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int r0 = blk * per, r1 = Math.min(rows, r0 + per), len = (r1 - r0) * d, at = r0 * d;
                double[] u = Rows.read(dyb, dyo + at, len, 0);
                double[] h = Rows.read(hb, ho + at, len, 1);
                double[] out = Staging.doubles(2, len);
                double[] acc = partial[blk];
                for (int r = r0; r < r1; r++) {
                    int o = (r - r0) * d;
                    double sg = 0, sgh = 0;
                    for (int i = 0; i < d; i++) {
                        double gi = u[o + i] * g[i];
                        sg += gi;
                        sgh += gi * h[o + i];
                        acc[i] += u[o + i] * h[o + i];
                        acc[d + i] += u[o + i];
                    }
                    double inv = invStd[r], mg = sg / d, mgh = sgh / d;
                    for (int i = 0; i < d; i++) {
                        out[o + i] = inv * (u[o + i] * g[i] - mg - h[o + i] * mgh);
                    }
                }
                Rows.write(dxb, dxo + at, out, len, 2);
            }
        });
        double[] sumDyXHat = new double[d], sumDy = new double[d];
        for (double[] acc : partial) {
            for (int i = 0; i < d; i++) {
                sumDyXHat[i] += acc[i];
                sumDy[i] += acc[d + i];
            }
        }
        dGamma.addi(BatchNorm.vector(sumDyXHat, dGamma));
        dBeta.addi(BatchNorm.vector(sumDy, dBeta));
        return dx;
    }

    private static void check(INDArray x, INDArray gamma, String name) {
        Support.checkFloating(x, name);
        if (x.rank() != 2 && x.rank() != 3) {
            throw new IllegalArgumentException(
                    name + " must be [N, D] or [N, T, D], was " + Arrays.toString(x.shape()));
        }
        if (x.size(x.rank() - 1) == 0) {
            throw new IllegalArgumentException(name + " has no features to normalise: " + Arrays.toString(x.shape()));
        }
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
        checkShape(gamma, "gamma", x.size(x.rank() - 1));
        checkSameType(x, gamma, "gamma");
    }
}
