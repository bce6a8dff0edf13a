package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkSameType;
import static dev.lamina.runtime.kernel.Support.checkShape;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalisation over axis 1 of {@code [N, C]}, {@code [N, C, L]} (a signal, as PyTorch's
 * {@code BatchNorm1d}) or {@code [N, C, H, W]} (Ioffe and Szegedy 2015), PyTorch conventions: biased
 * batch variance to normalise, unbiased in the running variance,
 * {@code running = (1 - momentum) running + momentum batch}. gamma, beta, runningMean, runningVar: {@code [C]}.
 *
 * <p>Statistics are per channel over the M = N (rank 2), M = N*L (rank 3) or M = N*H*W (rank 4) values of
 * that channel:
 * <pre>
 *   mean = sum x / M,   var = sum (x - mean)^2 / M,   invStd = 1 / sqrt(var + eps)
 *   xHat = (x - mean) * invStd,   y = gamma * xHat + beta
 *   runningMean = (1 - momentum) runningMean + momentum mean
 *   runningVar  = (1 - momentum) runningVar  + momentum var * M / (M - 1)
 * </pre>
 * PyTorch's defaults are momentum 0.1 and eps 1e-5. Backward, with the sums per channel:
 * <pre>
 *   dBeta += sum dy,   dGamma += sum dy * xHat
 *   dx = gamma * invStd * (dy - sum(dy) / M - xHat * sum(dy * xHat) / M)
 * </pre>
 * FLOAT or DOUBLE; all arrays share x's type. x and dy are not modified.
 */
public final class BatchNorm {
    private BatchNorm() {}

    /** What the training-mode forward pass keeps for backward. */
    public static final class Cache {
        /** Normalised input, same shape as x. */
        public INDArray xHat;
        /** {@code 1 / sqrt(var + eps)} per channel, {@code [C]}. */
        public INDArray invStd;

        /** An empty cache, for {@link #forwardTrain} to fill. */
        public Cache() {}
    }

    /**
     * Training forward: normalises with batch statistics, updates running statistics in place, fills cache.
     *
     * @param x           {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]}
     * @param gamma       scale {@code [C]}
     * @param beta        shift {@code [C]}
     * @param runningMean {@code [C]}, updated in place
     * @param runningVar  {@code [C]}, updated in place
     * @param momentum    weight of this batch in the running statistics, in {@code [0, 1]}
     * @param eps         added to the variance, positive
     * @param cache       receives xHat (x's shape) and invStd ({@code [C]}) for {@link #backward}
     * @return y, x's shape, a new array
     * @throws IllegalArgumentException on shapes or types that do not fit, a channel with fewer
     *     than 2 values, or momentum/eps out of range
     */
    public static INDArray forwardTrain(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double momentum, double eps, Cache cache) {
        check(x, gamma, beta);
        checkRunningStatistics(x, runningMean, runningVar, eps);
        Support.checkNotNull(cache, "cache");
        long m = checkTraining(x, momentum);

        Channels ch = new Channels(x);
        Buffer xb = Segments.buffer(ch.x);
        INDArray xHat = Support.newLike(x);
        INDArray y = Support.newLike(x);
        Buffer hb = Segments.buffer(xHat), yb = Segments.buffer(y);
        int xOff = (int) ch.x.offset(), hOff = (int) xHat.offset(), yOff = (int) y.offset();
        double[] g = gamma.toDoubleVector(), b = beta.toDoubleVector();
        double[] mean = new double[ch.c], var = new double[ch.c], invStd = new double[ch.c];
        if (xb instanceof FloatBuffer xf) {
            statisticsAndNormaliseFloat(ch, xf, xOff, (FloatBuffer) hb, hOff, (FloatBuffer) yb, yOff, m, eps, g, b,
                    mean, var, invStd);
        } else {
            statisticsAndNormalise(ch, (DoubleBuffer) xb, xOff, hb, hOff, yb, yOff, m, eps, g, b, mean, var, invStd);
        }

        updateRunningStatistics(runningMean, runningVar, mean, var, m, momentum);
        cache.xHat = xHat;
        cache.invStd = vector(invStd, x);
        return y;
    }

    /** {@code running = (1 - momentum) running + momentum batch}, with the unbiased batch variance. */
    static void updateRunningStatistics(INDArray runningMean, INDArray runningVar, double[] mean, double[] var, long m,
            double momentum) {
        double unbias = m / (m - 1.0);
        double[] newMean = runningMean.toDoubleVector(), newVar = runningVar.toDoubleVector();
        for (int c = 0; c < mean.length; c++) {
            newMean[c] = (1.0 - momentum) * newMean[c] + momentum * mean[c];
            newVar[c] = (1.0 - momentum) * newVar[c] + momentum * var[c] * unbias;
        }
        runningMean.assign(vector(newMean, runningMean));
        runningVar.assign(vector(newVar, runningVar));
    }

    /**
     * Fills mean, var and invStd per channel and writes xHat and y, for DOUBLE: one pass over x for
     * the statistics, one to normalise.
     */
    private static void statisticsAndNormalise(Channels ch, DoubleBuffer xb, int xOff, Buffer hb, int hOff, Buffer yb,
            int yOff, long m, double eps, double[] g, double[] b, double[] mean, double[] var, double[] invStd) {
        // One pass for the statistics, on values shifted by the channel's first value: with the
        // shift near the mean, sum(d^2)/M - (sum(d)/M)^2 suffers little cancellation.
        Parallel.forRange(ch.c, 2L * m * ch.c, (from, to) -> {
            double[] acc = new double[2];
            for (int c = from; c < to; c++) {
                double shift = xb.get(xOff + ch.start(0, c));
                acc[0] = 0;
                acc[1] = 0;
                for (int n = 0; n < ch.n; n++) {
                    Segments.shiftedSums(xb, xOff + ch.start(n, c), ch.inner, shift, acc);
                }
                double meanShift = acc[0] / m;
                double mu = shift + meanShift;
                mean[c] = mu;
                var[c] = Math.max(acc[1] / m - meanShift * meanShift, 0.0);
                invStd[c] = 1.0 / Math.sqrt(var[c] + eps);
                for (int n = 0; n < ch.n; n++) {
                    int at = ch.start(n, c);
                    Segments.normalise(xb, xOff + at, hb, hOff + at, yb, yOff + at, ch.inner, mu, invStd[c], g[c], b[c]);
                }
            }
        });
    }

    /**
     * {@link #statisticsAndNormalise} for FLOAT: each channel's values are copied to a per-thread heap
     * array ({@link Staging}) once, the sums and the normalisation loop over it, and xHat and y go
     * back in bulk copies.
     */
    private static void statisticsAndNormaliseFloat(Channels ch, FloatBuffer xb, int xOff, FloatBuffer hb, int hOff,
            FloatBuffer yb, int yOff, long m, double eps, double[] g, double[] b, double[] mean, double[] var,
            double[] invStd) {
        int inner = ch.inner;
        Parallel.forRange(ch.c, 2L * m * ch.c, (from, to) -> {
            float[] values = Staging.floats(0, ch.n * inner);
            float[] xHat = Staging.floats(1, inner);
            float[] y = Staging.floats(2, inner);
            double[] acc = new double[2];
            for (int c = from; c < to; c++) {
                for (int n = 0; n < ch.n; n++) {
                    xb.get(xOff + ch.start(n, c), values, n * inner, inner);
                }
                // Shifted by the channel's first value, as in statisticsAndNormalise.
                double shift = values[0];
                acc[0] = 0;
                acc[1] = 0;
                Segments.shiftedSums(values, 0, ch.n * inner, shift, acc);
                double meanShift = acc[0] / m;
                mean[c] = shift + meanShift;
                var[c] = Math.max(acc[1] / m - meanShift * meanShift, 0.0);
                invStd[c] = 1.0 / Math.sqrt(var[c] + eps);
                float mu = (float) mean[c], a = (float) invStd[c], gc = (float) g[c], bc = (float) b[c];
                for (int n = 0; n < ch.n; n++) {
                    int o = n * inner;
                    for (int i = 0; i < inner; i++) {
                        float h = (values[o + i] - mu) * a;
                        xHat[i] = h;
                        y[i] = h * gc + bc;
                    }
                    hb.put(hOff + ch.start(n, c), xHat, 0, inner);
                    yb.put(yOff + ch.start(n, c), y, 0, inner);
                }
            }
        });
    }

    /**
     * Inference forward with the running statistics:
     * {@code y = (x - runningMean) / sqrt(runningVar + eps) * gamma + beta}.
     *
     * @param x           {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]}
     * @param gamma       scale {@code [C]}
     * @param beta        shift {@code [C]}
     * @param runningMean {@code [C]}, read only
     * @param runningVar  {@code [C]}, read only
     * @param eps         added to the variance, positive
     * @return y, x's shape, a new array
     * @throws IllegalArgumentException on shapes or types that do not fit, or eps not positive
     */
    public static INDArray forwardInference(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double eps) {
        check(x, gamma, beta);
        checkRunningStatistics(x, runningMean, runningVar, eps);
        // y = x * scale + shift, scale = gamma / sqrt(runningVar + eps), shift = beta - runningMean * scale
        double[] scale = gamma.toDoubleVector(), shift = beta.toDoubleVector();
        double[] mean = runningMean.toDoubleVector(), var = runningVar.toDoubleVector();
        for (int c = 0; c < scale.length; c++) {
            scale[c] /= Math.sqrt(var[c] + eps);
            shift[c] -= mean[c] * scale[c];
        }
        Channels ch = new Channels(x);
        INDArray y = Support.newLike(x);
        Buffer xb = Segments.buffer(ch.x), yb = Segments.buffer(y);
        int xOff = (int) ch.x.offset(), yOff = (int) y.offset();
        Parallel.forRange(ch.c, 2L * x.length(), (from, to) -> {
            for (int c = from; c < to; c++) {
                for (int n = 0; n < ch.n; n++) {
                    int at = ch.start(n, c);
                    Segments.affine(xb, xOff + at, yb, yOff + at, ch.inner, scale[c], shift[c]);
                }
            }
        });
        return y;
    }

    /**
     * Accumulates dGamma and dBeta; returns dL/dx.
     *
     * @param dy     dL/dy, x's shape
     * @param gamma  {@code [C]}
     * @param cache  as filled by the matching {@link #forwardTrain}
     * @param dGamma accumulator {@code [C]}, updated in place
     * @param dBeta  accumulator {@code [C]}, updated in place
     * @return dL/dx, x's shape, a new array
     * @throws IllegalStateException if cache was not filled by {@link #forwardTrain}
     * @throws IllegalArgumentException on shapes or types that do not fit
     */
    public static INDArray backward(INDArray dy, INDArray gamma, Cache cache, INDArray dGamma, INDArray dBeta) {
        Support.checkNotNull(cache, "cache");
        if (cache.xHat == null || cache.invStd == null) {
            throw new IllegalStateException("BatchNorm.backward needs a cache filled by forwardTrain");
        }
        INDArray xHat = cache.xHat;
        checkBackward(xHat, gamma, dy, dGamma, dBeta);
        long channels = xHat.size(1);
        long m = xHat.length() / channels;

        Channels ch = new Channels(xHat);
        INDArray dyc = Support.denseC(dy);
        INDArray dx = Support.newLike(xHat);
        Buffer hb = Segments.buffer(ch.x), dyb = Segments.buffer(dyc), dxb = Segments.buffer(dx);
        int hOff = (int) ch.x.offset(), dyOff = (int) dyc.offset(), dxOff = (int) dx.offset();
        double[] g = gamma.toDoubleVector(), invStd = cache.invStd.toDoubleVector();
        double[] sumDy = new double[ch.c], sumDyXHat = new double[ch.c];
        Parallel.forRange(ch.c, 5L * dy.length(), (from, to) -> {
            for (int c = from; c < to; c++) {
                double s = 0, sh = 0;
                for (int n = 0; n < ch.n; n++) {
                    int at = ch.start(n, c);
                    s += Segments.sum(dyb, dyOff + at, ch.inner);
                    sh += Segments.dot(dyb, dyOff + at, hb, hOff + at, ch.inner);
                }
                sumDy[c] = s;
                sumDyXHat[c] = sh;
                // dx = k * (dy - sumDy/M - xHat * sumDyXHat/M), k = gamma * invStd
                double k = g[c] * invStd[c];
                for (int n = 0; n < ch.n; n++) {
                    int at = ch.start(n, c);
                    Segments.combine(dyb, dyOff + at, hb, hOff + at, dxb, dxOff + at, ch.inner, k, -k * sh / m,
                            -k * s / m);
                }
            }
        });
        dBeta.addi(vector(sumDy, dBeta));
        dGamma.addi(vector(sumDyXHat, dGamma));
        return dx;
    }

    /** A [C] array of like's type holding values. */
    static INDArray vector(double[] values, INDArray like) {
        return Nd4j.create(values, new long[] {values.length}, DataType.DOUBLE).castTo(like.dataType());
    }

    /** Where channel c's values lie in a dense copy of x: run n of channel c starts at {@code (n*C + c)*inner}. */
    static final class Channels {
        final INDArray x;
        final int n, c, inner;

        Channels(INDArray a) {
            if (a.length() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
            }
            x = Support.denseC(a);
            n = (int) a.size(0);
            c = (int) a.size(1);
            inner = (int) (a.length() / Math.max(1, (long) n * c));
        }

        int start(int batch, int channel) {
            return (batch * c + channel) * inner;
        }
    }

    /**
     * Checks the arguments of a backward pass against the cached xHat ({@code [N, C]}, {@code [N, C, L]}
     * or {@code [N, C, H, W]}).
     */
    static void checkBackward(INDArray xHat, INDArray gamma, INDArray dy, INDArray dGamma, INDArray dBeta) {
        check(xHat, gamma, null);
        Support.checkSameShape(xHat, "the cached xHat", dy, "dy");
        long channels = xHat.size(1);
        checkShape(dGamma, "dGamma", channels);
        checkSameType(xHat, dGamma, "dGamma");
        checkShape(dBeta, "dBeta", channels);
        checkSameType(xHat, dBeta, "dBeta");
    }

    /** Checks x's rank, gamma and beta (beta may be null). */
    static void check(INDArray x, INDArray gamma, INDArray beta) {
        Support.checkFloating(x, "x");
        if (x.rank() < 2 || x.rank() > 4) {
            throw new IllegalArgumentException(
                    "x must be [N, C], [N, C, L] or [N, C, H, W], was " + java.util.Arrays.toString(x.shape()));
        }
        long c = x.size(1);
        checkShape(gamma, "gamma", c);
        checkSameType(x, gamma, "gamma");
        if (beta != null) {
            checkShape(beta, "beta", c);
            checkSameType(x, beta, "beta");
        }
    }

    /** Checks runningMean and runningVar ({@code [C]}, x's type) and eps, as both forward passes take them. */
    static void checkRunningStatistics(INDArray x, INDArray runningMean, INDArray runningVar, double eps) {
        long channels = x.size(1);
        checkShape(runningMean, "runningMean", channels);
        checkSameType(x, runningMean, "runningMean");
        checkShape(runningVar, "runningVar", channels);
        checkSameType(x, runningVar, "runningVar");
        checkEps(eps);
    }

    /**
     * Checks what training needs beyond {@link #checkRunningStatistics}: momentum in {@code [0, 1]}
     * and more than one value per channel.
     *
     * @return M, the number of values per channel
     */
    static long checkTraining(INDArray x, double momentum) {
        if (!(momentum >= 0.0 && momentum <= 1.0)) {
            throw new IllegalArgumentException("momentum must be in [0, 1], was " + momentum);
        }
        long m = x.length() / x.size(1);
        if (m < 2) {
            throw new IllegalArgumentException(
                    "training needs more than one value per channel, got " + java.util.Arrays.toString(x.shape()));
        }
        return m;
    }

    static void checkEps(double eps) {
        if (!(eps > 0.0)) {
            throw new IllegalArgumentException("eps must be positive, was " + eps);
        }
    }
}
