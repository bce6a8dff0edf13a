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
     * What {@link #forward} returns and {@link #backward} reads: the chain's output, and what it takes to
     * compute each fused layer's own output again. Only the chain's last output is written by the forward
     * pass (the pooled output when a max pooling ends the chain, else the activation's or Dropout's); the
     * BatchNorm's output z, the activation's output a, the Dropout mask and, with pooling, the Dropout's
     * output are computed again from the input, the batch statistics and the dropout draw the first time
     * one of them is asked for (by a layer observer or a test), with the same float operations, so they
     * equal what the pass used. The backward pass recomputes them per channel in cache-sized runs instead
     * of reading them: the seed network's first block would otherwise write and read back three to four
     * more 11 MB tensors per step.
     *
     * <p>Holds a reference to the input x, which must not change until backward has run. Materialising
     * is synchronized, so observers on several threads see the same arrays.
     */
    public static final class Outputs {
        private final BatchNorm.Channels ch;
        private final Activation f;
        private final double p;
        private final FusedLoops.MaskHash hash;
        private final FusedLoops loops;
        // Training: the batch statistics and the forward pass's gamma and beta; outside training: null.
        private final double[] mean, invStd, gamma, beta;
        // Outside training: BatchNorm's running statistics folded into z = x * scale + shift; in training: null.
        private final double[] scale, shift;
        private final PoolGeometry pool;
        private INDArray output, pooled, normalisedInput, normalised, activated, mask;

        private Outputs(BatchNorm.Channels ch, Activation f, double p, FusedLoops.MaskHash hash, FusedLoops loops,
                double[] mean, double[] invStd, double[] gamma, double[] beta, double[] scale, double[] shift,
                PoolGeometry pool) {
            this.ch = ch;
            this.f = f;
            this.p = p;
            this.hash = hash;
            this.loops = loops;
            this.mean = mean;
            this.invStd = invStd;
            this.gamma = gamma;
            this.beta = beta;
            this.scale = scale;
            this.shift = shift;
            this.pool = pool;
        }

        /**
         * The output of the chain's last elementwise layer: {@code a * mask} with a Dropout in training, else
         * a. Without pooling, the array the forward pass wrote; with it, computed on the first call.
         *
         * @return x's shape, the same array on every call
         */
        public synchronized INDArray output() {
            if (output == null) {
                // Only a pooled chain leaves it unwritten.
                INDArray y = Support.newLike(ch.x);
                new Pass(this, null, null, hash == null ? y : null, null, hash == null ? null : y, null).run();
                output = y;
            }
            return output;
        }

        /**
         * The max pooling's output, when a {@link PoolGeometry} was given to {@link #forward}: the chain's
         * output pooled per channel plane, NaN propagating as in {@link MaxPoolPlane}.
         *
         * @return {@code [N, C, OH, OW]}, the array the forward pass wrote; null without pooling
         */
        public INDArray pooled() {
            return pooled;
        }

        /**
         * The BatchNorm's output {@code z = gamma * xHat + beta} (outside training, from the running
         * statistics), computed on the first call.
         *
         * @return x's shape, the same array on every call
         */
        public synchronized INDArray normalised() {
            materialise();
            return normalised;
        }

        /**
         * The activation's output {@code a = f(z)}: the output itself without a mask, else computed on the
         * first call.
         *
         * @return x's shape, the same array on every call
         */
        public synchronized INDArray activated() {
            if (hash == null) {
                return output();
            }
            materialise();
            return activated;
        }

        /**
         * The Dropout mask, 0 or {@code 1/(1 - dropRate)} per element as {@link Dropout#sampleMask} draws
         * it, computed on the first call.
         *
         * @return x's shape, the same array on every call; null without Dropout or outside training
         */
        public synchronized INDArray mask() {
            if (hash == null) {
                return null;
            }
            materialise();
            return mask;
        }

        /**
         * BatchNorm's cache of this training pass, as {@link BatchNorm#forwardTrain} fills it, for the
         * unfused backward kernels and {@link #chainBackward}: xHat (computed on the first call) and invStd.
         *
         * @return a new cache holding xHat, x's shape, and invStd {@code [C]}
         * @throws IllegalStateException outside training, where no batch statistics were taken
         */
        public synchronized BatchNorm.Cache cache() {
            if (mean == null) {
                throw new IllegalStateException("a forward pass outside training keeps no BatchNorm cache");
            }
            materialise();
            BatchNorm.Cache cache = new BatchNorm.Cache();
            cache.xHat = normalisedInput;
            cache.invStd = BatchNorm.vector(invStd, ch.x);
            return cache;
        }

        private void materialise() {
            if (normalised != null) {
                return;
            }
            INDArray z = Support.newLike(ch.x);
            if (mean == null) {
                inference(ch, scale, shift, f, p, z, Support.newLike(ch.x), loops);
                normalised = z;
                return;
            }
            INDArray xHat = Support.newLike(ch.x);
            INDArray a = hash == null ? null : Support.newLike(ch.x), m = hash == null ? null : Support.newLike(ch.x);
            new Pass(this, xHat, z, a, m, null, null).run();
            normalisedInput = xHat;
            normalised = z;
            activated = hash == null ? output() : a;
            mask = m;
        }
    }

    /**
     * The forward pass of BatchNorm, activation and optionally Dropout in one call. In training, as
     * {@link BatchNorm#forwardTrain} (batch statistics, running statistics updated), then f, then, with a
     * dropout generator, {@link Dropout#sampleMask} and {@link Dropout#forward}: the same values and the
     * same draw from the generator. Outside training, as {@link BatchNorm#forwardInference} then f, with
     * no mask (Dropout is the identity); the running statistics are not touched. Only the chain's output
     * is written: see {@link Outputs} for the other layers' outputs.
     *
     * @param x           {@code [N, C]}, {@code [N, C, L]} or {@code [N, C, H, W]}; kept by the result, so
     *                    it must not change before {@link #backward}
     * @param gamma       scale {@code [C]}
     * @param beta        shift {@code [C]}
     * @param runningMean {@code [C]}, updated in place in training
     * @param runningVar  {@code [C]}, updated in place in training
     * @param momentum    weight of this batch in the running statistics, in {@code [0, 1]}
     * @param eps         added to the variance, positive
     * @param training    batch statistics and dropout (true) or running statistics and no dropout
     * @param activation  the function f
     * @param parameter   ELU's alpha or LeakyReLU's slope; ignored for ReLU
     * @param dropRate    Dropout's drop probability in {@code [0, 1)}; ignored without a generator
     * @param dropoutRng  the model's dropout generator, or null for a chain without Dropout; in training
     *                    one {@code nextLong()} is drawn from it unless dropRate is 0
     * @return the chain's output (a new array) and what {@link #backward} needs
     * @throws IllegalArgumentException on shapes or types that do not fit, a training batch with one value
     *     per channel, or momentum, eps or dropRate out of range
     */
    public static Outputs forward(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double momentum, double eps, boolean training, Activation activation,
            double parameter, double dropRate, Random dropoutRng) {
        return forward(x, gamma, beta, runningMean, runningVar, momentum, eps, training, activation, parameter,
                dropRate, dropoutRng, null, FusedLoops.get());
    }

    /**
     * As {@link #forward(INDArray, INDArray, INDArray, INDArray, INDArray, double, double, boolean, Activation,
     * double, double, Random)}, followed by a max pooling ({@link MaxPool2d} with geometry {@code pool}) of
     * each channel plane as it is computed: only the pooled output is written ({@link Outputs#pooled()}),
     * and {@link #backward} then takes the pooled output's gradient. NaN propagates through the pooling as
     * in PyTorch's {@code max_pool2d}.
     *
     * @param x           {@code [N, C, H, W]}; kept by the result, so it must not change before
     *                    {@link #backward}
     * @param gamma       scale {@code [C]}
     * @param beta        shift {@code [C]}
     * @param runningMean {@code [C]}, updated in place in training
     * @param runningVar  {@code [C]}, updated in place in training
     * @param momentum    weight of this batch in the running statistics, in {@code [0, 1]}
     * @param eps         added to the variance, positive
     * @param training    batch statistics and dropout (true) or running statistics and no dropout
     * @param activation  the function f
     * @param parameter   ELU's alpha or LeakyReLU's slope; ignored for ReLU
     * @param dropRate    Dropout's drop probability in {@code [0, 1)}; ignored without a generator
     * @param dropoutRng  the model's dropout generator, or null for a chain without Dropout
     * @param pool        the max pooling's window, stride, padding and output size {@code OH x OW}
     * @return the pooled output {@code [N, C, OH, OW]} (a new array) and what {@link #backward} needs
     * @throws IllegalArgumentException as the other forward, or if x is not rank 4 or pool does not fit it
     */
    public static Outputs forward(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double momentum, double eps, boolean training, Activation activation,
            double parameter, double dropRate, Random dropoutRng, PoolGeometry pool) {
        Support.checkNotNull(pool, "pool");
        Pooling.check(x, pool);
        return forward(x, gamma, beta, runningMean, runningVar, momentum, eps, training, activation, parameter,
                dropRate, dropoutRng, pool, FusedLoops.get());
    }

    /** {@link #forward} on the given loops (tests compare both implementations); pool may be null. */
    static Outputs forward(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar,
            double momentum, double eps, boolean training, Activation activation, double parameter,
            double dropRate, Random dropoutRng, PoolGeometry pool, FusedLoops loops) {
        BatchNorm.check(x, gamma, beta);
        BatchNorm.checkRunningStatistics(x, runningMean, runningVar, eps);
        Support.checkNotNull(activation, "activation");
        if (dropoutRng != null && !(dropRate >= 0.0 && dropRate < 1.0)) {
            throw new IllegalArgumentException("dropRate must be in [0, 1), was " + dropRate);
        }
        BatchNorm.Channels ch = new BatchNorm.Channels(x);
        if (!training) {
            double[] scale = gamma.toDoubleVector(), shift = beta.toDoubleVector();
            double[] mean = runningMean.toDoubleVector(), var = runningVar.toDoubleVector();
            for (int c = 0; c < scale.length; c++) {
                scale[c] /= Math.sqrt(var[c] + eps);
                shift[c] -= mean[c] * scale[c];
            }
            Outputs out = new Outputs(ch, activation, parameter, null, loops, null, null, null, null, scale, shift,
                    pool);
            out.output = Support.newLike(x);
            inference(ch, scale, shift, activation, parameter, null, out.output, loops);
            if (pool != null) {
                out.pooled = MaxPool2d.forward(out.output, pool);
            }
            return out;
        }
        long m = BatchNorm.checkTraining(x, momentum);
        FusedLoops.MaskHash hash = null;
        if (dropoutRng != null) {
            // Dropout.sampleMask draws nothing for rate 0 and keeps everything.
            hash = dropRate == 0.0 ? new FusedLoops.MaskHash(0, 0, 1 << 24, 1.0)
                    : FusedLoops.MaskHash.of(dropoutRng.nextLong(), dropRate);
        }
        double[] mean = new double[ch.c], var = new double[ch.c], invStd = new double[ch.c];
        Outputs out = new Outputs(ch, activation, parameter, hash, loops, mean, invStd, gamma.toDoubleVector(),
                beta.toDoubleVector(), null, null, pool);
        INDArray written;
        if (pool == null) {
            written = out.output = Support.newLike(x);
        } else {
            written = out.pooled = Support.newArray(x.dataType(), x.size(0), x.size(1), pool.outHeight(), pool.outWidth());
        }
        // Without a mask the chain's output is a, with one a * mask: y.
        Pass pass = pool != null ? new Pass(out, null, null, null, null, null, written)
                : new Pass(out, null, null, hash == null ? written : null, null, hash == null ? null : written, null);
        pass.statistics(m, eps, var);
        pass.run();
        BatchNorm.updateRunningStatistics(runningMean, runningVar, mean, var, m, momentum);
        return out;
    }

    /**
     * One training pass over a chain's input: with statistics to take, the forward pass (which takes
     * them per channel from the staged values before normalising); else a recomputation of the outputs
     * from the statistics {@link Outputs} holds. Writes whichever of xHat, z, a, mask, y and the pooled
     * output it was given.
     */
    private static final class Pass {
        final BatchNorm.Channels ch;
        final Outputs out;
        final Buffer x, xHat, z, a, mask, y, pooled;
        final int xOff, hOff, zOff, aOff, maskOff, yOff, pooledOff;
        long m;
        double eps;
        double[] var;

        Pass(Outputs out, INDArray xHat, INDArray z, INDArray a, INDArray mask, INDArray y, INDArray pooled) {
            this.out = out;
            this.ch = out.ch;
            this.x = Segments.buffer(ch.x);
            this.xHat = xHat == null ? null : Segments.buffer(xHat);
            this.z = z == null ? null : Segments.buffer(z);
            this.a = a == null ? null : Segments.buffer(a);
            this.mask = mask == null ? null : Segments.buffer(mask);
            this.y = y == null ? null : Segments.buffer(y);
            this.pooled = pooled == null ? null : Segments.buffer(pooled);
            xOff = (int) ch.x.offset();
            hOff = xHat == null ? 0 : (int) xHat.offset();
            zOff = z == null ? 0 : (int) z.offset();
            aOff = a == null ? 0 : (int) a.offset();
            maskOff = mask == null ? 0 : (int) mask.offset();
            yOff = y == null ? 0 : (int) y.offset();
            pooledOff = pooled == null ? 0 : (int) pooled.offset();
        }

        /** Makes {@link #run} take the batch statistics over m values per channel first. */
        void statistics(long m, double eps, double[] var) {
            this.m = m;
            this.eps = eps;
            this.var = var;
        }

        /** Mean, variance and invStd of channel c from its shifted sums (shift near the mean: little cancellation). */
        void statistics(int c, double shift, double[] sums) {
            double meanShift = sums[0] / m;
            out.mean[c] = shift + meanShift;
            var[c] = Math.max(sums[1] / m - meanShift * meanShift, 0.0);
            out.invStd[c] = 1.0 / Math.sqrt(var[c] + eps);
        }

        void run() {
            if (ch.x.dataType() == DataType.FLOAT) {
                runFloat(out.loops);
                return;
            }
            if (pooled == null) {
                runDouble(y, yOff);
                return;
            }
            // DOUBLE (gradient checks): the chain's output, then the unfused pooling kernel.
            INDArray chainOutput = Support.newLike(ch.x);
            runDouble(Segments.buffer(chainOutput), (int) chainOutput.offset());
            out.output = chainOutput;
            ((DoubleBuffer) pooled).put(pooledOff, MaxPool2d.forward(chainOutput, out.pool).ravel().toDoubleVector());
        }

        /**
         * Per channel: its values copied to a per-thread heap array once ({@link Staging}), the statistics
         * summed over it ({@link FusedLoops#shiftedSums}) if asked, then one fused loop per run into
         * per-thread runs, of which the requested ones go back in bulk copies (pooled first, if asked).
         */
        private void runFloat(FusedLoops loops) {
            FloatBuffer xb = (FloatBuffer) x;
            int inner = ch.inner;
            FusedLoops.MaskHash hash = out.hash;
            float p = (float) out.p;
            PoolGeometry pool = out.pool;
            int pooledPlane = pool == null ? 0 : pool.outHeight() * pool.outWidth();
            int height = pool == null ? 0 : (int) ch.x.size(2), width = pool == null ? 0 : (int) ch.x.size(3);
            Parallel.forRange(ch.c, 8L * ch.n * inner * ch.c, (from, to) -> {
                float[] values = Staging.floats(0, ch.n * inner);
                float[] hs = Staging.floats(1, inner), zs = Staging.floats(2, inner), as = Staging.floats(3, inner);
                float[] ms = hash == null ? null : Staging.floats(4, inner);
                float[] ys = hash == null ? null : Staging.floats(5, inner);
                float[] ps = pool == null ? null : Staging.floats(6, pooledPlane);
                double[] sums = new double[2];
                for (int c = from; c < to; c++) {
                    for (int n = 0; n < ch.n; n++) {
                        xb.get(xOff + ch.start(n, c), values, n * inner, inner);
                    }
                    if (var != null) {
                        float shift = values[0];
                        sums[0] = 0;
                        sums[1] = 0;
                        loops.shiftedSums(values, 0, ch.n * inner, shift, sums);
                        statistics(c, shift, sums);
                    }
                    float mu = (float) out.mean[c], is = (float) out.invStd[c];
                    float g = (float) out.gamma[c], b = (float) out.beta[c];
                    for (int n = 0; n < ch.n; n++) {
                        int at = ch.start(n, c);
                        loops.normaliseActivate(values, n * inner, inner, mu, is, g, b, out.f, p, hs, zs, as, 0,
                                hash, at, ms, ys);
                        if (ps != null) {
                            MaxPoolPlane.forward(hash == null ? as : ys, 0, height, width, pool, ps, 0);
                            put(pooled, pooledOff + (n * ch.c + c) * pooledPlane, ps, pooledPlane);
                        }
                        put(xHat, hOff + at, hs, inner);
                        put(z, zOff + at, zs, inner);
                        put(a, aOff + at, as, inner);
                        put(mask, maskOff + at, ms, inner);
                        put(y, yOff + at, ys, inner);
                    }
                }
            });
        }

        private static void put(Buffer to, int at, float[] run, int len) {
            if (to != null) {
                ((FloatBuffer) to).put(at, run, 0, len);
            }
        }

        /**
         * As {@link #runFloat} without pooling, in double, straight from the buffers (the scalar reference
         * for gradient checks), with the chain's output y written to {@code yb} if not null.
         */
        private void runDouble(Buffer yOut, int yAt) {
            DoubleBuffer xb = (DoubleBuffer) x, hb = (DoubleBuffer) xHat, zb = (DoubleBuffer) z,
                    ab = (DoubleBuffer) a, mb = (DoubleBuffer) mask, yb = (DoubleBuffer) yOut;
            FusedLoops.MaskHash hash = out.hash;
            double[] mean = out.mean, invStd = out.invStd, gamma = out.gamma, beta = out.beta;
            Parallel.forRange(ch.c, 8L * ch.n * ch.inner * ch.c, (from, to) -> {
                double[] sums = new double[2];
                for (int c = from; c < to; c++) {
                    if (var != null) {
                        double shift = xb.get(xOff + ch.start(0, c));
                        sums[0] = 0;
                        sums[1] = 0;
                        for (int n = 0; n < ch.n; n++) {
                            Segments.shiftedSums(xb, xOff + ch.start(n, c), ch.inner, shift, sums);
                        }
                        statistics(c, shift, sums);
                    }
                    for (int n = 0; n < ch.n; n++) {
                        int at = ch.start(n, c);
                        for (int k = 0; k < ch.inner; k++) {
                            double h = (xb.get(xOff + at + k) - mean[c]) * invStd[c];
                            double zk = h * gamma[c] + beta[c];
                            double ak = activate(zk, out.f, out.p);
                            double keep = hash == null ? 1.0
                                    : Dropout.keep(at + k, hash.low(), hash.high(), hash.threshold()) != 0
                                            ? hash.keptValue() : 0.0;
                            if (hb != null) {
                                hb.put(hOff + at + k, h);
                            }
                            if (zb != null) {
                                zb.put(zOff + at + k, zk);
                            }
                            if (ab != null) {
                                ab.put(aOff + at + k, ak);
                            }
                            if (mb != null) {
                                mb.put(maskOff + at + k, keep);
                            }
                            if (yb != null) {
                                yb.put(yAt + at + k, ak * keep);
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

    /**
     * {@code z = x * scale + shift} (skipped when z is null) and {@code a = f(z)}: BatchNorm's running
     * statistics folded into scale and shift per channel.
     */
    private static void inference(BatchNorm.Channels ch, double[] scale, double[] shift, Activation f, double p,
            INDArray z, INDArray a, FusedLoops loops) {
        Buffer xb = Segments.buffer(ch.x), zb = z == null ? null : Segments.buffer(z), ab = Segments.buffer(a);
        int xOff = (int) ch.x.offset(), zOff = z == null ? 0 : (int) z.offset(), aOff = (int) a.offset();
        int inner = ch.inner;
        Parallel.forRange(ch.c, 3L * ch.x.length(), (from, to) -> {
            for (int c = from; c < to; c++) {
                for (int n = 0; n < ch.n; n++) {
                    int at = ch.start(n, c);
                    if (xb instanceof FloatBuffer xf) {
                        float[] xs = Staging.floats(0, inner), as = Staging.floats(2, inner);
                        float[] zs = zb == null ? null : Staging.floats(1, inner);
                        xf.get(xOff + at, xs, 0, inner);
                        loops.affineActivate(xs, 0, inner, (float) scale[c], (float) shift[c], f, (float) p, zs, as, 0);
                        Pass.put(zb, zOff + at, zs, inner);
                        ((FloatBuffer) ab).put(aOff + at, as, 0, inner);
                    } else {
                        DoubleBuffer xd = (DoubleBuffer) xb;
                        for (int k = 0; k < inner; k++) {
                            double zk = xd.get(xOff + at + k) * scale[c] + shift[c];
                            if (zb != null) {
                                ((DoubleBuffer) zb).put(zOff + at + k, zk);
                            }
                            ((DoubleBuffer) ab).put(aOff + at + k, activate(zk, f, p));
                        }
                    }
                }
            }
        });
    }

    /**
     * The chain's backward pass from what {@link #forward} kept: equal to {@link #chainBackward} over the
     * tensors the unfused kernels keep (for FLOAT bit for bit, on the same loops), preceded, for a pooled
     * chain, by {@link MaxPool2d#backward}; but xHat, z or a, the mask and the pooled run's maxima are
     * computed again per channel from x, the batch statistics and the dropout draw, in runs that stay in
     * cache, so only dy and x are read from memory.
     *
     * @param dy     dL/dy, the gradient of the chain's output: x's shape, or the pooled output's
     *               {@code [N, C, OH, OW]} when the forward pass pooled
     * @param saved  the result of the matching training {@link #forward}
     * @param gamma  {@code [C]}, as in the forward pass
     * @param dGamma accumulator {@code [C]}, updated in place
     * @param dBeta  accumulator {@code [C]}, updated in place
     * @return dL/dx, the input gradient of the BatchNorm, x's shape, a new array
     * @throws IllegalStateException if saved comes from a forward pass outside training
     * @throws IllegalArgumentException on shapes or types that do not fit
     */
    public static INDArray backward(INDArray dy, Outputs saved, INDArray gamma, INDArray dGamma, INDArray dBeta) {
        Support.checkNotNull(saved, "saved");
        if (saved.mean == null) {
            throw new IllegalStateException("backward needs the outputs of a forward pass in training");
        }
        BatchNorm.Channels at = saved.ch;
        PoolGeometry pool = saved.pool;
        if (pool == null) {
            BatchNorm.checkBackward(at.x, gamma, dy, dGamma, dBeta);
        } else {
            Support.checkSameShape(saved.pooled, "the pooled output", dy, "dy");
            BatchNorm.checkBackward(at.x, gamma, at.x, dGamma, dBeta);
            if (at.x.dataType() != DataType.FLOAT) {
                // DOUBLE (gradient checks): the unfused pooling kernel's backward, then the chain's.
                dy = MaxPool2d.backward(saved.output(), saved.pooled, dy, pool);
            }
        }
        if (at.x.dataType() != DataType.FLOAT) {
            return chainBackward(dy, saved.mask(), saved.f, saved.p, saved.normalised(), saved.activated(), gamma,
                    saved.cache(), dGamma, dBeta, saved.loops);
        }
        FusedLoops loops = saved.loops;
        FusedLoops.MaskHash hash = saved.hash;
        INDArray dyc = Support.denseC(dy), dx = Support.newLike(at.x);
        FloatBuffer dyb = (FloatBuffer) Segments.buffer(dyc), xb = (FloatBuffer) Segments.buffer(at.x);
        FloatBuffer dxb = (FloatBuffer) Segments.buffer(dx);
        int dyOff = (int) dyc.offset(), xOff = (int) at.x.offset(), dxOff = (int) dx.offset();
        double[] g = gamma.toDoubleVector();
        double[] sumG = new double[at.c], sumGXHat = new double[at.c];
        float p = (float) saved.p;
        int inner = at.inner, runs = at.n * inner;
        int pooledPlane = pool == null ? 0 : pool.outHeight() * pool.outWidth();
        int height = pool == null ? 0 : (int) at.x.size(2), width = pool == null ? 0 : (int) at.x.size(3);
        long m = runs;
        Parallel.forRange(at.c, 9L * at.x.length(), (from, to) -> {
            float[] gs = Staging.floats(0, runs), hs = Staging.floats(1, runs);
            float[] dys = Staging.floats(2, inner), xs = Staging.floats(3, inner), hRun = Staging.floats(4, inner);
            float[] zs = Staging.floats(5, inner), as = Staging.floats(6, inner), ys = Staging.floats(7, inner);
            float[] ms = hash == null ? null : Staging.floats(8, inner);
            float[] dps = pool == null ? null : Staging.floats(9, pooledPlane);
            // The gate reads z for ReLU and LeakyReLU, a for ELU, as chainBackward's.
            float[] act = saved.f == Activation.ELU ? as : zs;
            double[] sums = new double[2];
            for (int c = from; c < to; c++) {
                float mu = (float) saved.mean[c], is = (float) saved.invStd[c];
                float gc = (float) saved.gamma[c], bc = (float) saved.beta[c];
                sums[0] = 0;
                sums[1] = 0;
                for (int n = 0; n < at.n; n++) {
                    int i = at.start(n, c), o = n * inner;
                    xb.get(xOff + i, xs, 0, inner);
                    loops.normaliseActivate(xs, 0, inner, mu, is, gc, bc, saved.f, p, hRun, zs, as, 0, hash, i, ms,
                            ys);
                    if (dps == null) {
                        dyb.get(dyOff + i, dys, 0, inner);
                    } else {
                        // The pooling's backward on the chain's output run, computed again just above.
                        dyb.get(dyOff + (n * at.c + c) * pooledPlane, dps, 0, pooledPlane);
                        MaxPoolPlane.backward(hash == null ? as : ys, 0, height, width, pool, dps, 0, dys, 0);
                    }
                    System.arraycopy(hRun, 0, hs, o, inner);
                    loops.gateAndSum(dys, ms, act, 0, inner, saved.f, p, hs, o, gs, o, sums);
                }
                sumG[c] = sums[0];
                sumGXHat[c] = sums[1];
                // invStd rounded to the tensor type, as chainBackward reads it from BatchNorm's cache.
                combineChannel(loops, at, c, g[c] * (float) saved.invStd[c], sums, m, gs, hs, xs, dxb, dxOff);
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
                combineChannel(loops, at, c, g[c] * invStd[c], sums, m, gs, hs, out, dxb, dxOff);
            }
        });
        dBeta.addi(BatchNorm.vector(sumG, dBeta));
        dGamma.addi(BatchNorm.vector(sumGXHat, dGamma));
    }

    /**
     * Pass 2 of channel c's FLOAT backward: {@code dx = k * (g - sum(g) / M - xHat * sum(g * xHat) / M)}
     * run by run, from the channel's staged g and xHat and their sums, through {@code out} into dx.
     */
    private static void combineChannel(FusedLoops loops, BatchNorm.Channels at, int c, double k, double[] sums,
            long m, float[] gs, float[] hs, float[] out, FloatBuffer dxb, int dxOff) {
        float a = (float) k, b = (float) (-k * sums[1] / m), bias = (float) (-k * sums[0] / m);
        for (int n = 0; n < at.n; n++) {
            loops.combine(gs, n * at.inner, hs, n * at.inner, at.inner, a, b, bias, out);
            dxb.put(dxOff + at.start(n, c), out, 0, at.inner);
        }
    }

    /**
     * dL/dz = dy * mask * f'(z) of {@link #chainBackward} for DOUBLE, per element, with the slopes the
     * single kernels use, in their order (mask first): ReLU {@code [z > 0]}, LeakyReLU
     * {@code [z > 0] (1 - slope) + slope}, ELU {@code a > 0 ? 1 : a + alpha}.
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
                    case ELU -> y > 0 ? 1.0 : y + p;
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
