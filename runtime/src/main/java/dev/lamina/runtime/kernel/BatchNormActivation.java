package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training-mode BatchNorm, an elementwise activation and optionally inverted dropout, forward and
 * backward each in one pass over the tensor: the chain {@code BatchNorm -> ReLU | LeakyReLU | ELU
 * [-> Dropout]} that {@link BatchNorm}, {@link ReLU}/{@link LeakyReLU}/{@link ELU} and
 * {@link Dropout} compute in three to five passes with a temporary per pass.
 *
 * <p>x, y, dy, dx: {@code [N, C]} or {@code [N, C, H, W]} (NCHW); gamma, beta, runningMean,
 * runningVar, dGamma, dBeta: {@code [C]}. Per channel, over its M = N (rank 2) or M = N*H*W values
 * (Ioffe and Szegedy 2015, PyTorch conventions, exactly as {@link BatchNorm#forwardTrain}):
 * <pre>
 *   mean = sum x / M,   var = sum (x - mean)^2 / M,   invStd = 1 / sqrt(var + eps)
 *   xHat = (x - mean) * invStd,   z = gamma * xHat + beta
 *   a = f(z),   y = a * mask
 *   runningMean = (1 - momentum) runningMean + momentum mean
 *   runningVar  = (1 - momentum) runningVar  + momentum var * M / (M - 1)
 * </pre>
 * with f one of {@link Activation} and mask 0 with probability {@code dropRate} and
 * {@code 1/(1 - dropRate)} otherwise (all ones when dropRate is 0). Backward, with
 * {@code gate = f'(z) * mask} kept by forward and the sums per channel:
 * <pre>
 *   g = dy * gate
 *   dBeta += sum g,   dGamma += sum g * xHat
 *   dx = gamma * invStd * (g - sum(g) / M - xHat * sum(g * xHat) / M)
 * </pre>
 * The derivatives at z = 0 follow the single kernels (and PyTorch): ReLU 0, LeakyReLU its slope,
 * ELU alpha. ELU (Clevert, Unterthiner and Hochreiter 2016) gets its derivative from its output,
 * {@code f'(z) = a + alpha} for z &lt;= 0, so backward needs no exp.
 *
 * <p>{@link #chainBackward} is the same backward pass for a chain whose forward pass ran as the
 * single kernels, from the tensors they keep. That is what generated models use: at the seed
 * network's shapes (batch 128, FLOAT, 2 threads) the fused backward measured 1.6-1.9x faster than
 * the single kernels, while the fused {@link #forwardTrain} measured 1.1-1.6x slower than them
 * (scalar Java loops against libnd4j's vectorised transforms, and Java loops that start while
 * libnd4j's OpenMP threads still spin after the preceding op); see {@code KernelBenchmark --fusion}.
 *
 * <p>The mask is drawn exactly as {@link Dropout#sampleMask} draws it (one long from
 * {@code rng}; nothing drawn when dropRate is 0), into a per-thread scratch buffer,
 * so with the same generator state the fused chain equals the unfused one. FLOAT or DOUBLE; all
 * arrays share x's type. In FLOAT, ELU's exp comes from libnd4j's vectorised transform as in
 * {@link ELU} (one extra pass: scalar Java exp measured slower than the passes fusion saves); in
 * DOUBLE it is {@link Math#exp} in the single pass. x and dy are not modified; results are
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

    /** What the training forward pass keeps for {@link #backward}. */
    public static final class Cache {
        /** Normalised input, x's shape. */
        public INDArray xHat;
        /** {@code 1 / sqrt(var + eps)} per channel, {@code [C]}. */
        public INDArray invStd;
        /** {@code f'(z) * mask}, x's shape: dL/dz = dL/dy * gate. */
        public INDArray gate;

        /** An empty cache, for {@link #forwardTrain} to fill. */
        public Cache() {}
    }

    /**
     * Training forward: batch statistics, normalise, scale and shift, activation, dropout mask;
     * updates the running statistics in place and fills the cache.
     *
     * @param x           {@code [N, C]} or {@code [N, C, H, W]}
     * @param gamma       scale {@code [C]}
     * @param beta        shift {@code [C]}
     * @param runningMean {@code [C]}, updated in place
     * @param runningVar  {@code [C]}, updated in place
     * @param momentum    weight of this batch in the running statistics, in {@code [0, 1]}
     * @param eps         added to the variance, positive
     * @param activation  the function f
     * @param parameter   ELU's alpha or LeakyReLU's slope; ignored for ReLU
     * @param dropRate    probability of dropping a unit, in {@code [0, 1)}; 0 for no dropout
     * @param rng         the generator masks are drawn from; may be null when dropRate is 0
     * @param cache       receives xHat, invStd and gate for {@link #backward}
     * @return y, x's shape, a new array
     * @throws IllegalArgumentException on shapes or types that do not fit, a channel with fewer
     *     than 2 values, or momentum, eps or dropRate out of range
     * @throws NullPointerException if an array, the activation or the cache is null, or rng is null
     *     while dropRate is positive
     */
    public static INDArray forwardTrain(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double momentum, double eps, Activation activation, double parameter,
            double dropRate, Random rng, Cache cache) {
        BatchNorm.check(x, gamma, beta);
        BatchNorm.checkRunningStatistics(x, runningMean, runningVar, eps);
        Support.checkNotNull(activation, "activation");
        Support.checkNotNull(cache, "cache");
        long m = BatchNorm.checkTraining(x, momentum);
        if (!(dropRate >= 0.0 && dropRate < 1.0)) {
            throw new IllegalArgumentException("dropRate must be in [0, 1), was " + dropRate);
        }
        if (dropRate > 0.0) {
            Support.checkNotNull(rng, "rng");
        }

        BatchNorm.Channels at = new BatchNorm.Channels(x);
        // 0/1 draws, as Dropout.sampleMask makes them (same seed, same kept elements); the scale comes in the pass.
        Buffer maskBuffer = null;
        int maskOff = 0;
        if (dropRate > 0.0) {
            INDArray bernoulli = Scratch.get(Scratch.Slot.MASK, x.dataType(), x.shape());
            Dropout.fill(bernoulli, rng.nextLong(), dropRate, 1.0);
            maskBuffer = Segments.buffer(bernoulli);
            maskOff = (int) bernoulli.offset();
        }
        INDArray xHat = Support.newLike(x);
        INDArray gate = Support.newLike(x);
        INDArray y = Support.newLike(x);
        Pass pass = new Pass(Segments.buffer(at.x), (int) at.x.offset(), Segments.buffer(xHat), (int) xHat.offset(),
                Segments.buffer(gate), (int) gate.offset(), Segments.buffer(y), (int) y.offset(), maskBuffer, maskOff,
                dropRate > 0.0 ? 1.0 / (1.0 - dropRate) : 1.0, activation, parameter);
        double[] g = gamma.toDoubleVector(), b = beta.toDoubleVector();
        double[] mean = new double[at.c], var = new double[at.c], invStd = new double[at.c];
        // FLOAT ELU takes its exp from libnd4j: Java's exp, scalar, measured slower than the passes it saves.
        boolean floatElu = activation == Activation.ELU && x.dataType() == DataType.FLOAT;
        Parallel.forRange(at.c, 4L * x.length(), (from, to) -> {
            for (int c = from; c < to; c++) {
                // Two passes for the statistics, as BatchNorm: var stays accurate when |mean| >> std.
                double s = 0;
                for (int n = 0; n < at.n; n++) {
                    s += Segments.sum(pass.x, pass.xOff + at.start(n, c), at.inner);
                }
                double mu = s / m;
                double q = 0;
                for (int n = 0; n < at.n; n++) {
                    q += Segments.centeredSquares(pass.x, pass.xOff + at.start(n, c), at.inner, mu);
                }
                mean[c] = mu;
                var[c] = q / m;
                invStd[c] = 1.0 / Math.sqrt(var[c] + eps);
                for (int n = 0; n < at.n; n++) {
                    int i = at.start(n, c);
                    if (floatElu) {
                        Segments.normalise(pass.x, pass.xOff + i, pass.xHat, pass.hOff + i, pass.y, pass.yOff + i,
                                at.inner, mu, invStd[c], g[c], b[c]);
                    } else {
                        pass.forward(i, at.inner, mu, invStd[c], g[c], b[c]);
                    }
                }
            }
        });
        if (floatElu) {
            // y holds z: exp(min(z, 0)) by libnd4j's vectorised exp, into gate, then the rest in one more pass.
            Nd4j.getExecutioner().exec(new ScalarMin(y, null, gate, 0.0));
            Nd4j.getExecutioner().exec(new Exp(gate, gate));
            int length = (int) x.length();
            Parallel.forRange(length, 5L * length, (from, to) -> pass.finishFloatElu(from, to - from));
        }

        double unbias = m / (m - 1.0);
        double[] newMean = runningMean.toDoubleVector(), newVar = runningVar.toDoubleVector();
        for (int c = 0; c < at.c; c++) {
            newMean[c] = (1.0 - momentum) * newMean[c] + momentum * mean[c];
            newVar[c] = (1.0 - momentum) * newVar[c] + momentum * var[c] * unbias;
        }
        runningMean.assign(BatchNorm.vector(newMean, x));
        runningVar.assign(BatchNorm.vector(newVar, x));
        cache.xHat = xHat;
        cache.invStd = BatchNorm.vector(invStd, x);
        cache.gate = gate;
        return y;
    }

    /**
     * Accumulates dGamma and dBeta; returns dL/dx.
     *
     * @param dy     dL/dy, x's shape
     * @param gamma  {@code [C]}, as in the forward pass
     * @param cache  as filled by the matching {@link #forwardTrain}
     * @param dGamma accumulator {@code [C]}, updated in place
     * @param dBeta  accumulator {@code [C]}, updated in place
     * @return dL/dx, x's shape, a new array
     * @throws IllegalStateException if cache was not filled by {@link #forwardTrain}
     * @throws IllegalArgumentException on shapes or types that do not fit
     */
    public static INDArray backward(INDArray dy, INDArray gamma, Cache cache, INDArray dGamma, INDArray dBeta) {
        Support.checkNotNull(cache, "cache");
        if (cache.xHat == null || cache.invStd == null || cache.gate == null) {
            throw new IllegalStateException("BatchNormActivation.backward needs a cache filled by forwardTrain");
        }
        INDArray xHat = cache.xHat;
        BatchNorm.checkBackward(xHat, gamma, dy, dGamma, dBeta);
        long channels = xHat.size(1);
        long m = xHat.length() / channels;

        BatchNorm.Channels at = new BatchNorm.Channels(xHat);
        INDArray dyc = Support.denseC(dy);
        INDArray dx = Support.newLike(xHat);
        Buffer dyb = Segments.buffer(dyc), gb = Segments.buffer(cache.gate), hb = Segments.buffer(at.x);
        Buffer dxb = Segments.buffer(dx);
        int dyOff = (int) dyc.offset(), gOff = (int) cache.gate.offset(), hOff = (int) at.x.offset();
        int dxOff = (int) dx.offset();
        double[] g = gamma.toDoubleVector(), invStd = cache.invStd.toDoubleVector();
        double[] sumG = new double[at.c], sumGXHat = new double[at.c];
        Parallel.forRange(at.c, 7L * dy.length(), (from, to) -> {
            double[] sums = new double[2];
            for (int c = from; c < to; c++) {
                sums[0] = 0;
                sums[1] = 0;
                for (int n = 0; n < at.n; n++) {
                    int s = at.start(n, c);
                    gatedSums(dyb, dyOff + s, gb, gOff + s, hb, hOff + s, at.inner, sums);
                }
                sumG[c] = sums[0];
                sumGXHat[c] = sums[1];
                // dx = k * (g - sumG/M - xHat * sumGXHat/M), k = gamma * invStd
                double k = g[c] * invStd[c];
                for (int n = 0; n < at.n; n++) {
                    int s = at.start(n, c);
                    gatedCombine(dyb, dyOff + s, gb, gOff + s, hb, hOff + s, dxb, dxOff + s, at.inner, k,
                            -k * sums[1] / m, -k * sums[0] / m);
                }
            }
        });
        dBeta.addi(BatchNorm.vector(sumG, dBeta));
        dGamma.addi(BatchNorm.vector(sumGXHat, dGamma));
        return dx;
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

    /** The buffers of one forward pass and its per-element step. */
    private static final class Pass {
        final Buffer x, xHat, gate, y, mask;
        final int xOff, hOff, gOff, yOff, maskOff;
        final double keepScale;
        final Activation activation;
        final double parameter;

        Pass(Buffer x, int xOff, Buffer xHat, int hOff, Buffer gate, int gOff, Buffer y, int yOff, Buffer mask,
                int maskOff, double keepScale, Activation activation, double parameter) {
            this.x = x;
            this.xOff = xOff;
            this.xHat = xHat;
            this.hOff = hOff;
            this.gate = gate;
            this.gOff = gOff;
            this.y = y;
            this.yOff = yOff;
            this.mask = mask;
            this.maskOff = maskOff;
            this.keepScale = keepScale;
            this.activation = activation;
            this.parameter = parameter;
        }

        /** Normalise, activate and mask the run of len values at index i of the dense tensors. */
        void forward(int i, int len, double mean, double invStd, double gamma, double beta) {
            if (x instanceof FloatBuffer f) {
                FloatBuffer mf = (FloatBuffer) mask;
                forwardFloat(f, xOff + i, (FloatBuffer) xHat, hOff + i, (FloatBuffer) gate, gOff + i,
                        (FloatBuffer) y, yOff + i, mf, maskOff + i, len, (float) mean, (float) invStd, (float) gamma,
                        (float) beta);
            } else {
                forwardDouble((DoubleBuffer) x, xOff + i, (DoubleBuffer) xHat, hOff + i, (DoubleBuffer) gate,
                        gOff + i, (DoubleBuffer) y, yOff + i, (DoubleBuffer) mask, maskOff + i, len, mean, invStd,
                        gamma, beta);
            }
        }

        /**
         * FLOAT ELU after libnd4j's exp: y holds z and gate holds exp(min(z, 0)) on entry; leaves
         * {@code y = a * keep} and {@code gate = f'(z) * keep}. The run of len values at index i.
         */
        void finishFloatElu(int i, int len) {
            FloatBuffer zb = (FloatBuffer) y, eb = (FloatBuffer) gate, mb = (FloatBuffer) mask;
            int zi = yOff + i, ei = gOff + i, mi = maskOff + i;
            float p = (float) parameter;
            float scale = (float) keepScale;
            for (int k = 0; k < len; k++) {
                float z = zb.get(zi + k);
                float pos = positive(z);
                float neg = 1f - pos;
                // ELU.forward's alpha * (exp(min(z, 0)) - 1) + max(z, 0), with the same exp
                float a = p * (eb.get(ei + k) - 1f) + z * pos;
                float keep = mb == null ? 1f : mb.get(mi + k) * scale;
                eb.put(ei + k, (a * neg + p + pos * (1f - p)) * keep);
                zb.put(zi + k, a * keep);
            }
        }

        // Branch-free per element, with pos = [z > 0] from the bits and neg = 1 - pos: a data-dependent
        // branch mispredicts half the time (see Segments), and so do Math.max and Math.min outside
        // vectorised loops (they measured 2 ns per call here). Multiplying by pos or neg is exact, so z, y
        // and gate equal the single kernels' values bitwise, except ELU's exp in FLOAT and the sign of 0.
        private void forwardFloat(FloatBuffer x, int xi, FloatBuffer xHat, int hi, FloatBuffer gate, int gi,
                FloatBuffer y, int yi, FloatBuffer mask, int mi, int len, float mean, float invStd, float gamma,
                float beta) {
            float p = (float) parameter;
            float scale = (float) keepScale;
            switch (activation) {
                case RELU:
                    for (int k = 0; k < len; k++) {
                        float h = (x.get(xi + k) - mean) * invStd;
                        xHat.put(hi + k, h);
                        float z = h * gamma + beta;
                        float pos = positive(z);
                        float keep = mask == null ? 1f : mask.get(mi + k) * scale;
                        gate.put(gi + k, pos * keep);
                        y.put(yi + k, z * pos * keep);
                    }
                    break;
                case LEAKY_RELU:
                    for (int k = 0; k < len; k++) {
                        float h = (x.get(xi + k) - mean) * invStd;
                        xHat.put(hi + k, h);
                        float z = h * gamma + beta;
                        float pos = positive(z);
                        float keep = mask == null ? 1f : mask.get(mi + k) * scale;
                        gate.put(gi + k, (pos * (1f - p) + p) * keep);
                        y.put(yi + k, (z * pos + p * z * (1f - pos)) * keep);
                    }
                    break;
                case ELU:
                    throw new AssertionError("FLOAT ELU runs normalise, libnd4j's exp and finishFloatElu");
            }
        }

        private void forwardDouble(DoubleBuffer x, int xi, DoubleBuffer xHat, int hi, DoubleBuffer gate, int gi,
                DoubleBuffer y, int yi, DoubleBuffer mask, int mi, int len, double mean, double invStd, double gamma,
                double beta) {
            double p = parameter;
            double scale = keepScale;
            switch (activation) {
                case RELU:
                    for (int k = 0; k < len; k++) {
                        double h = (x.get(xi + k) - mean) * invStd;
                        xHat.put(hi + k, h);
                        double z = h * gamma + beta;
                        double pos = positive(z);
                        double keep = mask == null ? 1.0 : mask.get(mi + k) * scale;
                        gate.put(gi + k, pos * keep);
                        y.put(yi + k, z * pos * keep);
                    }
                    break;
                case LEAKY_RELU:
                    for (int k = 0; k < len; k++) {
                        double h = (x.get(xi + k) - mean) * invStd;
                        xHat.put(hi + k, h);
                        double z = h * gamma + beta;
                        double pos = positive(z);
                        double keep = mask == null ? 1.0 : mask.get(mi + k) * scale;
                        gate.put(gi + k, (pos * (1.0 - p) + p) * keep);
                        y.put(yi + k, (z * pos + p * z * (1.0 - pos)) * keep);
                    }
                    break;
                case ELU:
                    for (int k = 0; k < len; k++) {
                        double h = (x.get(xi + k) - mean) * invStd;
                        xHat.put(hi + k, h);
                        double z = h * gamma + beta;
                        double pos = positive(z);
                        double neg = 1.0 - pos;
                        double a = p * (Math.exp(z * neg) - 1.0) + z * pos;
                        double keep = mask == null ? 1.0 : mask.get(mi + k) * scale;
                        gate.put(gi + k, (a * neg + p + pos * (1.0 - p)) * keep);
                        y.put(yi + k, a * keep);
                    }
                    break;
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

    /** {@code sums[0] += sum dy*gate; sums[1] += sum dy*gate*xHat} over one run. */
    private static void gatedSums(Buffer dy, int dyOff, Buffer gate, int gOff, Buffer xHat, int hOff, int len,
            double[] sums) {
        double s = 0, sh = 0;
        if (dy instanceof FloatBuffer d) {
            FloatBuffer g = (FloatBuffer) gate, h = (FloatBuffer) xHat;
            for (int k = 0; k < len; k++) {
                float v = d.get(dyOff + k) * g.get(gOff + k);
                s += v;
                sh += v * h.get(hOff + k);
            }
        } else {
            DoubleBuffer d = (DoubleBuffer) dy, g = (DoubleBuffer) gate, h = (DoubleBuffer) xHat;
            for (int k = 0; k < len; k++) {
                double v = d.get(dyOff + k) * g.get(gOff + k);
                s += v;
                sh += v * h.get(hOff + k);
            }
        }
        sums[0] += s;
        sums[1] += sh;
    }

    /** {@code dx = a * dy*gate + b * xHat + c} over one run. */
    private static void gatedCombine(Buffer dy, int dyOff, Buffer gate, int gOff, Buffer xHat, int hOff, Buffer dx,
            int dxOff, int len, double a, double b, double c) {
        if (dy instanceof FloatBuffer d) {
            FloatBuffer g = (FloatBuffer) gate, h = (FloatBuffer) xHat, out = (FloatBuffer) dx;
            float fa = (float) a, fb = (float) b, fc = (float) c;
            for (int k = 0; k < len; k++) {
                out.put(dxOff + k, fa * (d.get(dyOff + k) * g.get(gOff + k)) + fb * h.get(hOff + k) + fc);
            }
        } else {
            DoubleBuffer d = (DoubleBuffer) dy, g = (DoubleBuffer) gate, h = (DoubleBuffer) xHat;
            DoubleBuffer out = (DoubleBuffer) dx;
            for (int k = 0; k < len; k++) {
                out.put(dxOff + k, a * (d.get(dyOff + k) * g.get(gOff + k)) + b * h.get(hOff + k) + c);
            }
        }
    }
}
