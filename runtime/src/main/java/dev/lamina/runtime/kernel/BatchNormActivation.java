package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/**
 * The chain {@code BatchNorm -> ReLU | LeakyReLU | ELU [-> Dropout]} as fused kernels: {@link #forward}
 * normalises, activates and drops in one pass over the input after the statistics pass, and
 * {@link #chainBackward} runs the chain's backward in two passes over each channel, where the single
 * kernels ({@link BatchNorm}, {@link ReLU}/{@link LeakyReLU}/{@link ELU}, {@link Dropout}) take three to
 * eight passes and a temporary per pass.
 *
 * <p>x, dy, mask, z, a, dx: {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]} (NCHW); gamma,
 * dGamma, dBeta: {@code [C]}. The forward pass, per channel over its M = N (rank 2), N*L or N*H*W values
 * (Ioffe and Szegedy 2015, PyTorch conventions, as {@link BatchNorm#forwardTrain}):
 * <pre>
 *   xHat = (x - mean) * invStd,   z = gamma * xHat + beta
 *   a = f(z),   y = a * mask
 * </pre>
 * with f one of {@link Activation} and mask the Dropout mask (0 or {@code 1/(1 - dropRate)}, the same
 * mask {@link Dropout#sampleMask} draws from the same generator; none without Dropout). Backward, with
 * {@code gate = f'(z) * mask} formed on the fly and the sums per channel:
 * <pre>
 *   g = dy * gate
 *   dBeta += sum g,   dGamma += sum g * xHat
 *   dx = gamma * invStd * (g - sum(g) / M - xHat * sum(g * xHat) / M)
 * </pre>
 * The derivatives at z = 0 follow the single kernels (and PyTorch): ReLU 0, LeakyReLU its slope,
 * ELU alpha. ELU (Clevert, Unterthiner and Hochreiter 2016) gets its derivative from its output,
 * {@code f'(z) = a + alpha} for z &lt;= 0, so backward needs no exp.
 *
 * <p>FLOAT tensors run on {@code FusedLoops}: the JDK's Vector API when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, scalar loops with the same results otherwise (one log line
 * says which). DOUBLE tensors run scalar loops. All arrays share x's type; inputs are not modified;
 * results are allocated as in every kernel (from the open workspace, if any).
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
     * Which loops the FLOAT fused kernels run on in this JVM, for logs and benchmark headers: the Vector
     * API's (with the vector width) when the JVM was started with {@code --add-modules
     * jdk.incubator.vector}, else scalar loops. Decided once, when the kernels first load.
     *
     * @return for example {@code "Vector API, 512-bit vectors (16 floats)"} or {@code "scalar loops"}
     */
    public static String loops() {
        return FusedLoops.get().description();
    }

    /**
     * What {@link #forward} returns: each fused layer's output, x's shape.
     *
     * @param normalised the BatchNorm's output z
     * @param activated  the activation's output {@code a = f(z)}
     * @param mask       the Dropout mask (0 or {@code 1/(1 - dropRate)}), or null without Dropout or
     *                   outside training
     * @param output     the chain's output: {@code a * mask} with a mask, else a itself
     */
    public record Outputs(INDArray normalised, INDArray activated, INDArray mask, INDArray output) {}

    /**
     * The forward pass of BatchNorm, activation and optionally Dropout in one call. In training, as
     * {@link BatchNorm#forwardTrain} (batch statistics, running statistics updated, cache filled), then f,
     * then, with a dropout generator, {@link Dropout#sampleMask} and {@link Dropout#forward}: the same
     * values and the same draw from the generator. Outside training, as {@link BatchNorm#forwardInference}
     * then f, with no mask (Dropout is the identity); the cache and running statistics are not touched.
     *
     * @param x           {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]}
     * @param gamma       scale {@code [C]}
     * @param beta        shift {@code [C]}
     * @param runningMean {@code [C]}, updated in place in training
     * @param runningVar  {@code [C]}, updated in place in training
     * @param momentum    weight of this batch in the running statistics, in {@code [0, 1]}
     * @param eps         added to the variance, positive
     * @param cache       receives xHat and invStd in training, for {@link #chainBackward}
     * @param training    batch statistics and dropout (true) or running statistics and no dropout
     * @param activation  the function f
     * @param parameter   ELU's alpha or LeakyReLU's slope; ignored for ReLU
     * @param dropRate    Dropout's drop probability in {@code [0, 1)}; ignored without a generator
     * @param dropoutRng  the model's dropout generator, or null for a chain without Dropout; in training
     *                    one {@code nextLong()} is drawn from it unless dropRate is 0
     * @return the fused layers' outputs, new arrays
     * @throws IllegalArgumentException on shapes or types that do not fit, a training batch with one value
     *     per channel, or momentum, eps or dropRate out of range
     */
    public static Outputs forward(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double momentum, double eps, BatchNorm.Cache cache, boolean training,
            Activation activation, double parameter, double dropRate, Random dropoutRng) {
        return forward(x, gamma, beta, runningMean, runningVar, momentum, eps, cache, training, activation, parameter,
                dropRate, dropoutRng, FusedLoops.get());
    }

    /** {@link #forward} on the given loops (tests compare both implementations). */
    static Outputs forward(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar,
            double momentum, double eps, BatchNorm.Cache cache, boolean training, Activation activation,
            double parameter, double dropRate, Random dropoutRng, FusedLoops loops) {
        BatchNorm.check(x, gamma, beta);
        BatchNorm.checkRunningStatistics(x, runningMean, runningVar, eps);
        Support.checkNotNull(cache, "cache");
        Support.checkNotNull(activation, "activation");
        if (dropoutRng != null && !(dropRate >= 0.0 && dropRate < 1.0)) {
            throw new IllegalArgumentException("dropRate must be in [0, 1), was " + dropRate);
        }
        BatchNorm.Channels ch = new BatchNorm.Channels(x);
        INDArray z = Support.newLike(x), a = Support.newLike(x);
        if (!training) {
            inference(ch, gamma, beta, runningMean, runningVar, eps, activation, parameter, z, a, loops);
            return new Outputs(z, a, null, a);
        }
        long m = BatchNorm.checkTraining(x, momentum);
        FusedLoops.MaskHash hash = null;
        if (dropoutRng != null) {
            // Dropout.sampleMask draws nothing for rate 0 and keeps everything.
            hash = dropRate == 0.0 ? new FusedLoops.MaskHash(0, 0, 1 << 24, 1.0)
                    : FusedLoops.MaskHash.of(dropoutRng.nextLong(), dropRate);
        }
        INDArray xHat = Support.newLike(x);
        INDArray mask = hash == null ? null : Support.newLike(x);
        INDArray y = hash == null ? a : Support.newLike(x);
        double[] mean = new double[ch.c], var = new double[ch.c], invStd = new double[ch.c];
        Train pass = new Train(ch, m, eps, gamma.toDoubleVector(), beta.toDoubleVector(), activation, parameter,
                hash, xHat, z, a, mask, y, mean, var, invStd);
        if (x.dataType() == DataType.FLOAT) {
            pass.runFloat(loops);
        } else {
            pass.runDouble();
        }
        BatchNorm.updateRunningStatistics(runningMean, runningVar, mean, var, m, momentum);
        cache.xHat = xHat;
        cache.invStd = BatchNorm.vector(invStd, x);
        return new Outputs(z, a, mask, y);
    }

    /** The training forward pass's tensors, and its loops per channel. */
    private static final class Train {
        final BatchNorm.Channels ch;
        final long m;
        final double eps;
        final double[] gamma, beta, mean, var, invStd;
        final Activation f;
        final double p;
        final FusedLoops.MaskHash hash;
        final Buffer x, xHat, z, a, mask, y;
        final int xOff, hOff, zOff, aOff, maskOff, yOff;

        Train(BatchNorm.Channels ch, long m, double eps, double[] gamma, double[] beta, Activation f, double p,
                FusedLoops.MaskHash hash, INDArray xHat, INDArray z, INDArray a, INDArray mask, INDArray y,
                double[] mean, double[] var, double[] invStd) {
            this.ch = ch;
            this.m = m;
            this.eps = eps;
            this.gamma = gamma;
            this.beta = beta;
            this.f = f;
            this.p = p;
            this.hash = hash;
            this.mean = mean;
            this.var = var;
            this.invStd = invStd;
            this.x = Segments.buffer(ch.x);
            this.xHat = Segments.buffer(xHat);
            this.z = Segments.buffer(z);
            this.a = Segments.buffer(a);
            this.mask = mask == null ? null : Segments.buffer(mask);
            this.y = mask == null ? null : Segments.buffer(y);
            xOff = (int) ch.x.offset();
            hOff = (int) xHat.offset();
            zOff = (int) z.offset();
            aOff = (int) a.offset();
            maskOff = mask == null ? 0 : (int) mask.offset();
            yOff = mask == null ? 0 : (int) y.offset();
        }

        /** Mean, variance and invStd of channel c from its shifted sums (shift near the mean: little cancellation). */
        void statistics(int c, double shift, double[] sums) {
            double meanShift = sums[0] / m;
            mean[c] = shift + meanShift;
            var[c] = Math.max(sums[1] / m - meanShift * meanShift, 0.0);
            invStd[c] = 1.0 / Math.sqrt(var[c] + eps);
        }

        /**
         * Per channel: its values copied to a per-thread heap array once ({@link Staging}), the statistics
         * summed over it ({@link FusedLoops#shiftedSums}), then one fused loop per run into per-thread runs
         * that go back in bulk copies.
         */
        void runFloat(FusedLoops loops) {
            FloatBuffer xb = (FloatBuffer) x;
            int inner = ch.inner;
            Parallel.forRange(ch.c, 8L * m * ch.c, (from, to) -> {
                float[] values = Staging.floats(0, ch.n * inner);
                float[] hs = Staging.floats(1, inner), zs = Staging.floats(2, inner), as = Staging.floats(3, inner);
                float[] ms = hash == null ? null : Staging.floats(4, inner);
                float[] ys = hash == null ? null : Staging.floats(5, inner);
                double[] sums = new double[2];
                for (int c = from; c < to; c++) {
                    for (int n = 0; n < ch.n; n++) {
                        xb.get(xOff + ch.start(n, c), values, n * inner, inner);
                    }
                    float shift = values[0];
                    sums[0] = 0;
                    sums[1] = 0;
                    loops.shiftedSums(values, 0, ch.n * inner, shift, sums);
                    statistics(c, shift, sums);
                    float mu = (float) mean[c], is = (float) invStd[c], g = (float) gamma[c], b = (float) beta[c];
                    for (int n = 0; n < ch.n; n++) {
                        int at = ch.start(n, c);
                        loops.normaliseActivate(values, n * inner, inner, mu, is, g, b, f, (float) p, hs, zs, as, 0,
                                hash, at, ms, ys);
                        ((FloatBuffer) xHat).put(hOff + at, hs, 0, inner);
                        ((FloatBuffer) z).put(zOff + at, zs, 0, inner);
                        ((FloatBuffer) a).put(aOff + at, as, 0, inner);
                        if (hash != null) {
                            ((FloatBuffer) mask).put(maskOff + at, ms, 0, inner);
                            ((FloatBuffer) y).put(yOff + at, ys, 0, inner);
                        }
                    }
                }
            });
        }

        /** As {@link #runFloat}, in double, straight from the buffers (the scalar reference for gradient checks). */
        void runDouble() {
            DoubleBuffer xb = (DoubleBuffer) x, hb = (DoubleBuffer) xHat, zb = (DoubleBuffer) z,
                    ab = (DoubleBuffer) a, mb = (DoubleBuffer) mask, yb = (DoubleBuffer) y;
            Parallel.forRange(ch.c, 8L * m * ch.c, (from, to) -> {
                double[] sums = new double[2];
                for (int c = from; c < to; c++) {
                    double shift = xb.get(xOff + ch.start(0, c));
                    sums[0] = 0;
                    sums[1] = 0;
                    for (int n = 0; n < ch.n; n++) {
                        Segments.shiftedSums(xb, xOff + ch.start(n, c), ch.inner, shift, sums);
                    }
                    statistics(c, shift, sums);
                    for (int n = 0; n < ch.n; n++) {
                        int at = ch.start(n, c);
                        for (int k = 0; k < ch.inner; k++) {
                            double h = (xb.get(xOff + at + k) - mean[c]) * invStd[c];
                            double zk = h * gamma[c] + beta[c];
                            double ak = activate(zk, f, p);
                            hb.put(hOff + at + k, h);
                            zb.put(zOff + at + k, zk);
                            ab.put(aOff + at + k, ak);
                            if (hash != null) {
                                double keep = Dropout.keep(at + k, hash.low(), hash.high(), hash.threshold()) != 0
                                        ? hash.keptValue() : 0.0;
                                mb.put(maskOff + at + k, keep);
                                yb.put(yOff + at + k, ak * keep);
                            }
                        }
                    }
                }
            });
        }
    }

    /** f(z) in double, as {@link ScalarLoops#activate} in float. */
    static double activate(double z, Activation f, double p) {
        return switch (f) {
            case RELU -> Math.max(z, 0.0);
            case LEAKY_RELU -> z > 0.0 ? z : z * p;
            case ELU -> z > 0.0 ? z : p * Math.expm1(z);
        };
    }

    /** z = x * scale + shift with BatchNorm's running statistics folded into scale and shift, and a = f(z). */
    private static void inference(BatchNorm.Channels ch, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double eps, Activation f, double p, INDArray z, INDArray a, FusedLoops loops) {
        double[] scale = gamma.toDoubleVector(), shift = beta.toDoubleVector();
        double[] mean = runningMean.toDoubleVector(), var = runningVar.toDoubleVector();
        for (int c = 0; c < scale.length; c++) {
            scale[c] /= Math.sqrt(var[c] + eps);
            shift[c] -= mean[c] * scale[c];
        }
        Buffer xb = Segments.buffer(ch.x), zb = Segments.buffer(z), ab = Segments.buffer(a);
        int xOff = (int) ch.x.offset(), zOff = (int) z.offset(), aOff = (int) a.offset();
        int inner = ch.inner;
        Parallel.forRange(ch.c, 3L * ch.x.length(), (from, to) -> {
            for (int c = from; c < to; c++) {
                for (int n = 0; n < ch.n; n++) {
                    int at = ch.start(n, c);
                    if (xb instanceof FloatBuffer xf) {
                        float[] xs = Staging.floats(0, inner), zs = Staging.floats(1, inner);
                        float[] as = Staging.floats(2, inner);
                        xf.get(xOff + at, xs, 0, inner);
                        loops.affineActivate(xs, 0, inner, (float) scale[c], (float) shift[c], f, (float) p, zs, as, 0);
                        ((FloatBuffer) zb).put(zOff + at, zs, 0, inner);
                        ((FloatBuffer) ab).put(aOff + at, as, 0, inner);
                    } else {
                        DoubleBuffer xd = (DoubleBuffer) xb;
                        for (int k = 0; k < inner; k++) {
                            double zk = xd.get(xOff + at + k) * scale[c] + shift[c];
                            ((DoubleBuffer) zb).put(zOff + at + k, zk);
                            ((DoubleBuffer) ab).put(aOff + at + k, activate(zk, f, p));
                        }
                    }
                }
            }
        });
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
        return chainBackward(dy, mask, activation, parameter, activationInput, activationOutput, gamma, cache, dGamma,
                dBeta, FusedLoops.get());
    }

    /** {@link #chainBackward} on the given loops (tests compare both implementations). */
    static INDArray chainBackward(INDArray dy, INDArray mask, Activation activation, double parameter,
            INDArray activationInput, INDArray activationOutput, INDArray gamma, BatchNorm.Cache cache,
            INDArray dGamma, INDArray dBeta, FusedLoops loops) {
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
        if (dx.dataType() == DataType.FLOAT) {
            backwardFloat(at, m, dyc, maskc, actc, activation, (float) parameter, gamma, cache.invStd, dx, dGamma,
                    dBeta, loops);
            return dx;
        }
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
                double[] values = Staging.doubles(0, runs);
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
     * {@link #chainBackward} for FLOAT: per channel, pass 1 stages its xHat, forms g = dL/dz run by run into
     * a per-thread array and sums it; pass 2 combines g and xHat into dx. Both on {@link FusedLoops}.
     */
    private static void backwardFloat(BatchNorm.Channels at, long m, INDArray dy, INDArray mask, INDArray act,
            Activation f, float p, INDArray gamma, INDArray invStdVector, INDArray dx, INDArray dGamma, INDArray dBeta,
            FusedLoops loops) {
        FloatBuffer dyb = (FloatBuffer) Segments.buffer(dy), actb = (FloatBuffer) Segments.buffer(act);
        FloatBuffer maskb = mask == null ? null : (FloatBuffer) Segments.buffer(mask);
        FloatBuffer hb = (FloatBuffer) Segments.buffer(at.x), dxb = (FloatBuffer) Segments.buffer(dx);
        int dyOff = (int) dy.offset(), actOff = (int) act.offset(), maskOff = mask == null ? 0 : (int) mask.offset();
        int hOff = (int) at.x.offset(), dxOff = (int) dx.offset();
        double[] g = gamma.toDoubleVector(), invStd = invStdVector.toDoubleVector();
        double[] sumG = new double[at.c], sumGXHat = new double[at.c];
        int inner = at.inner, runs = at.n * inner;
        Parallel.forRange(at.c, 9L * dy.length(), (from, to) -> {
            float[] gs = Staging.floats(0, runs), hs = Staging.floats(1, runs);
            float[] dys = Staging.floats(2, inner), acts = Staging.floats(3, inner), out = Staging.floats(5, inner);
            float[] masks = maskb == null ? null : Staging.floats(4, inner);
            double[] sums = new double[2];
            for (int c = from; c < to; c++) {
                sums[0] = 0;
                sums[1] = 0;
                for (int n = 0; n < at.n; n++) {
                    int i = at.start(n, c), o = n * inner;
                    hb.get(hOff + i, hs, o, inner);
                    dyb.get(dyOff + i, dys, 0, inner);
                    actb.get(actOff + i, acts, 0, inner);
                    if (masks != null) {
                        maskb.get(maskOff + i, masks, 0, inner);
                    }
                    loops.gateAndSum(dys, masks, acts, 0, inner, f, p, hs, o, gs, o, sums);
                }
                sumG[c] = sums[0];
                sumGXHat[c] = sums[1];
                double k = g[c] * invStd[c];
                float a = (float) k, b = (float) (-k * sums[1] / m), bias = (float) (-k * sums[0] / m);
                for (int n = 0; n < at.n; n++) {
                    loops.combine(gs, n * inner, hs, n * inner, inner, a, b, bias, out);
                    dxb.put(dxOff + at.start(n, c), out, 0, inner);
                }
            }
        });
        dBeta.addi(BatchNorm.vector(sumG, dBeta));
        dGamma.addi(BatchNorm.vector(sumGXHat, dGamma));
    }

    /**
     * dL/dz = dy * mask * f'(z) of {@link #chainBackward} for DOUBLE, per element, with the slopes the
     * single kernels use, in their order (mask first): ReLU {@code [z > 0]}, LeakyReLU
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

        /**
         * Writes dL/dz of the run of len values at index i of the tensors into out from index o, and adds
         * {@code sum g} and {@code sum g * xHat} to sums.
         */
        void gateAndSum(int i, int len, double[] g, int o, Buffer xHat, int hOff, double[] sums) {
            double s = 0, sh = 0;
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
            sums[0] += s;
            sums[1] += sh;
        }
    }

    /** {@code dx = a * g + b * xHat + c} over len values, g from index o (DOUBLE). */
    private static void combine(double[] g, int o, int len, Buffer xHat, int hOff, Buffer dx, int dxOff, double a,
            double b, double c) {
        DoubleBuffer h = (DoubleBuffer) xHat, out = (DoubleBuffer) dx;
        for (int k = 0; k < len; k++) {
            out.put(dxOff + k, a * g[o + k] + b * h.get(hOff + k) + c);
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
