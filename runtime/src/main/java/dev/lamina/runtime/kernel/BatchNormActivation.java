package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The training backward pass of the chain {@code BatchNorm -> ReLU | LeakyReLU | ELU [-> Dropout]}
 * in one kernel, {@link #chainBackward}, from the tensors that the single kernels' forward passes
 * ({@link BatchNorm#forwardTrain}, {@link ReLU}/{@link LeakyReLU}/{@link ELU}, {@link Dropout}) keep;
 * their backward passes compute it in three to five passes with a temporary per pass.
 *
 * <p>dy, mask, z, a, dx: {@code [N, C]} or {@code [N, C, H, W]} (NCHW); gamma, dGamma, dBeta:
 * {@code [C]}. The forward pass, per channel over its M = N (rank 2) or M = N*H*W values (Ioffe and
 * Szegedy 2015, PyTorch conventions, exactly as {@link BatchNorm#forwardTrain}):
 * <pre>
 *   xHat = (x - mean) * invStd,   z = gamma * xHat + beta
 *   a = f(z),   y = a * mask
 * </pre>
 * with f one of {@link Activation} and mask the Dropout mask (0 or {@code 1/(1 - dropRate)}; none
 * without Dropout). Backward, with {@code gate = f'(z) * mask} formed on the fly and the sums per
 * channel:
 * <pre>
 *   g = dy * gate
 *   dBeta += sum g,   dGamma += sum g * xHat
 *   dx = gamma * invStd * (g - sum(g) / M - xHat * sum(g * xHat) / M)
 * </pre>
 * The derivatives at z = 0 follow the single kernels (and PyTorch): ReLU 0, LeakyReLU its slope,
 * ELU alpha. ELU (Clevert, Unterthiner and Hochreiter 2016) gets its derivative from its output,
 * {@code f'(z) = a + alpha} for z &lt;= 0, so backward needs no exp.
 *
 * <p>Generated models use it for every such chain: at the seed network's shapes (batch 128, FLOAT,
 * 2 threads) the fused backward measured 1.6-1.9x faster than the single kernels. There is no fused
 * forward pass: one measured 1.1-1.6x slower than the single kernels (scalar Java loops against
 * libnd4j's vectorised transforms, and Java loops that start while libnd4j's OpenMP threads still
 * spin after the preceding op); see {@code KernelBenchmark --fusion}.
 *
 * <p>FLOAT or DOUBLE; all arrays share dy's type. dy and the cached tensors are not modified; dx is
 * allocated as in every kernel (from the open workspace, if any).
 */
public final class BatchNormActivation {
    private BatchNormActivation() {}

    /** The activations that fuse: elementwise, with a derivative from z or a cheaply. */
    public enum Activation {
        /** {@code max(z, 0)}; the parameter is ignored. */
        RELU,
        /** {@code z} for z &gt; 0, else {@code parameter * z}; the parameter is the slope. */
        LEAKY_RELU,
        /** {@code z} for z &gt; 0, else {@code parameter * (exp(z) - 1)}; the parameter is alpha. */
        ELU
    }

    /**
     * The backward pass of the unfused chain ({@link BatchNorm#forwardTrain}, then {@link ReLU},
     * {@link LeakyReLU} or {@link ELU}, then optionally {@link Dropout#forward}) in one pass, from the
     * tensors those kernels keep: equal to {@link Dropout#backward}, the activation's backward and
     * {@link BatchNorm#backward} in turn, without their two temporaries and four extra passes. The gate
     * {@code f'(z) * mask} is formed on the fly: from z for ReLU and LeakyReLU, from a for ELU.
     *
     * @param dy          dL/dy, the chain's output gradient, {@code [N, C]} or {@code [N, C, H, W]}
     * @param mask        the Dropout mask, dy's shape, or null for a chain without Dropout
     * @param activation  the function f
     * @param parameter   ELU's alpha or LeakyReLU's slope, as in the forward pass; ignored for ReLU
     * @param activationInput  z, BatchNorm's output, dy's shape (read for ReLU and LeakyReLU)
     * @param activationOutput a = f(z), dy's shape (read for ELU)
     * @param gamma       {@code [C]}
     * @param cache       as filled by the matching {@link BatchNorm#forwardTrain}
     * @param dGamma      accumulator {@code [C]}, updated in place
     * @param dBeta       accumulator {@code [C]}, updated in place
     * @return dL/dx, the input gradient of the BatchNorm, dy's shape, a new array
     * @throws IllegalStateException if cache was not filled by {@link BatchNorm#forwardTrain}
     * @throws IllegalArgumentException on shapes or types that do not fit
     */
    public static INDArray chainBackward(INDArray dy, INDArray mask, Activation activation, double parameter,
            INDArray activationInput, INDArray activationOutput, INDArray gamma, BatchNorm.Cache cache,
            INDArray dGamma, INDArray dBeta) {
        Support.checkNotNull(cache, "cache");
        Support.checkNotNull(activation, "activation");
        if (cache.xHat == null || cache.invStd == null) {
            throw new IllegalStateException("chainBackward needs a cache filled by BatchNorm.forwardTrain");
        }
        INDArray xHat = cache.xHat;
        BatchNorm.checkBackward(xHat, gamma, dy, dGamma, dBeta);
        if (mask != null) {
            Support.checkSameShape(xHat, "the cached xHat", mask, "mask");
        }
        INDArray act = activation == Activation.ELU ? activationOutput : activationInput;
        Support.checkSameShape(xHat, "the cached xHat", act,
                activation == Activation.ELU ? "activationOutput" : "activationInput");
        long channels = xHat.size(1);
        long m = xHat.length() / channels;

        BatchNorm.Channels at = new BatchNorm.Channels(xHat);
        INDArray dyc = Support.denseC(dy), actc = Support.denseC(act);
        INDArray maskc = mask == null ? null : Support.denseC(mask);
        INDArray dx = Support.newLike(xHat);
        Gate gate = new Gate(Segments.buffer(dyc), (int) dyc.offset(), maskc == null ? null : Segments.buffer(maskc),
                maskc == null ? 0 : (int) maskc.offset(), Segments.buffer(actc), (int) actc.offset(), activation,
                parameter);
        Buffer hb = Segments.buffer(at.x), dxb = Segments.buffer(dx);
        int hOff = (int) at.x.offset(), dxOff = (int) dx.offset();
        double[] g = gamma.toDoubleVector(), invStd = cache.invStd.toDoubleVector();
        double[] sumG = new double[at.c], sumGXHat = new double[at.c];
        int runs = at.n * at.inner;
        Parallel.forRange(at.c, 9L * dy.length(), (from, to) -> {
            double[] sums = new double[2];
            for (int c = from; c < to; c++) {
                // Pass 1 forms dL/dz of the channel into a per-thread array and sums it; pass 2 reads it back.
                Object values = gate.channelBuffer(runs);
                sums[0] = 0;
                sums[1] = 0;
                for (int n = 0; n < at.n; n++) {
                    gate.gateAndSum(at.start(n, c), at.inner, values, n * at.inner, hb, hOff, sums);
                }
                sumG[c] = sums[0];
                sumGXHat[c] = sums[1];
                double k = g[c] * invStd[c];
                for (int n = 0; n < at.n; n++) {
                    combine(values, n * at.inner, at.inner, hb, hOff + at.start(n, c), dxb, dxOff + at.start(n, c),
                            k, -k * sums[1] / m, -k * sums[0] / m);
                }
            }
        });
        dBeta.addi(BatchNorm.vector(sumG, dBeta));
        dGamma.addi(BatchNorm.vector(sumGXHat, dGamma));
        return dx;
    }

    /**
     * dL/dz = dy * mask * f'(z) of {@link #chainBackward}, per element, with the slopes the single
     * kernels use, in their order (mask first): ReLU {@code [z > 0]}, LeakyReLU
     * {@code [z > 0] (1 - slope) + slope}, ELU {@code min(a, 0) + alpha + [a > 0] (1 - alpha)}.
     */
    private static final class Gate {
        final Buffer dy, mask, act;
        final int dyOff, maskOff, actOff;
        final Activation activation;
        final double parameter;

        Gate(Buffer dy, int dyOff, Buffer mask, int maskOff, Buffer act, int actOff, Activation activation,
                double parameter) {
            this.dy = dy;
            this.dyOff = dyOff;
            this.mask = mask;
            this.maskOff = maskOff;
            this.act = act;
            this.actOff = actOff;
            this.activation = activation;
            this.parameter = parameter;
        }

        /** This thread's float[] or double[] of at least length values ({@link Staging}, slot 0). */
        Object channelBuffer(int length) {
            return dy instanceof FloatBuffer ? Staging.floats(0, length) : Staging.doubles(0, length);
        }

        /**
         * Writes dL/dz of the run of len values at index i of the tensors into out from index o, and adds
         * {@code sum g} and {@code sum g * xHat} to sums. One loop per activation, none with a branch.
         */
        void gateAndSum(int i, int len, Object out, int o, Buffer xHat, int hOff, double[] sums) {
            double s = 0, sh = 0;
            if (out instanceof float[] g) {
                FloatBuffer d = (FloatBuffer) dy, mb = (FloatBuffer) mask, a = (FloatBuffer) act;
                FloatBuffer h = (FloatBuffer) xHat;
                int di = dyOff + i, mi = maskOff + i, ai = actOff + i, hi = hOff + i;
                float p = (float) parameter;
                switch (activation) {
                    case RELU:
                        for (int k = 0; k < len; k++) {
                            float dz = mb == null ? d.get(di + k) : d.get(di + k) * mb.get(mi + k);
                            float v = positive(a.get(ai + k)) * dz;
                            g[o + k] = v;
                            s += v;
                            sh += v * h.get(hi + k);
                        }
                        break;
                    case LEAKY_RELU:
                        for (int k = 0; k < len; k++) {
                            float dz = mb == null ? d.get(di + k) : d.get(di + k) * mb.get(mi + k);
                            float v = (positive(a.get(ai + k)) * (1f - p) + p) * dz;
                            g[o + k] = v;
                            s += v;
                            sh += v * h.get(hi + k);
                        }
                        break;
                    case ELU:
                        for (int k = 0; k < len; k++) {
                            float dz = mb == null ? d.get(di + k) : d.get(di + k) * mb.get(mi + k);
                            float y = a.get(ai + k);
                            float pos = positive(y);
                            float v = (y * (1f - pos) + p + pos * (1f - p)) * dz;
                            g[o + k] = v;
                            s += v;
                            sh += v * h.get(hi + k);
                        }
                        break;
                }
            } else {
                double[] g = (double[]) out;
                DoubleBuffer d = (DoubleBuffer) dy, mb = (DoubleBuffer) mask, a = (DoubleBuffer) act;
                DoubleBuffer h = (DoubleBuffer) xHat;
                int di = dyOff + i, mi = maskOff + i, ai = actOff + i, hi = hOff + i;
                double p = parameter;
                for (int k = 0; k < len; k++) {
                    double dz = mb == null ? d.get(di + k) : d.get(di + k) * mb.get(mi + k);
                    double y = a.get(ai + k);
                    double pos = positive(y);
                    double slope = switch (activation) {
                        case RELU -> pos;
                        case LEAKY_RELU -> pos * (1.0 - p) + p;
                        case ELU -> y * (1.0 - pos) + p + pos * (1.0 - p);
                    };
                    double v = slope * dz;
                    g[o + k] = v;
                    s += v;
                    sh += v * h.get(hi + k);
                }
            }
            sums[0] += s;
            sums[1] += sh;
        }
    }

    /** {@code dx = a * g + b * xHat + c} over len values: g from index o of a float[] or double[]. */
    private static void combine(Object gValues, int o, int len, Buffer xHat, int hOff, Buffer dx, int dxOff, double a,
            double b, double c) {
        if (gValues instanceof float[] g) {
            FloatBuffer h = (FloatBuffer) xHat, out = (FloatBuffer) dx;
            float fa = (float) a, fb = (float) b, fc = (float) c;
            for (int k = 0; k < len; k++) {
                out.put(dxOff + k, fa * g[o + k] + fb * h.get(hOff + k) + fc);
            }
        } else {
            double[] g = (double[]) gValues;
            DoubleBuffer h = (DoubleBuffer) xHat, out = (DoubleBuffer) dx;
            for (int k = 0; k < len; k++) {
                out.put(dxOff + k, a * g[o + k] + b * h.get(hOff + k) + c);
            }
        }
    }

    /**
     * {@code z > 0 ? 1 : 0} without a branch, from the bits (0 for +0 and -0; NaN gives NaN downstream
     * anyway). No int-to-float conversion either: scalar cvtsi2ss carries a false dependency that
     * measured 5x slower than these bit operations.
     */
    static float positive(float z) {
        int bits = Float.floatToRawIntBits(z);
        // The sign of -bits is set for bits > 0; "& ~bits" clears it again for -0 (bits = MIN_VALUE).
        return Float.intBitsToFloat(((-bits & ~bits) >> 31) & 0x3F800000);
    }

    static double positive(double z) {
        long bits = Double.doubleToRawLongBits(z);
        return Double.longBitsToDouble(((-bits & ~bits) >> 63) & 0x3FF0000000000000L);
    }
}
