package dev.lamina.runtime.kernel;

import dev.lamina.runtime.kernel.BatchNormActivation.Activation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;

/**
 * The FLOAT inner loops of the fused elementwise kernels ({@link BatchNormActivation}, {@link ELU}) and of
 * the direct convolution ({@code DirectConv2d}), over runs of heap arrays ({@link Staging}), in two
 * implementations that give the same results up to the last bit of {@code expm1} and the order of
 * additions in the sums: {@link ScalarLoops}, and
 * {@code VectorLoops} on the JDK's Vector API ({@code jdk.incubator.vector}, JEP 338 and its successors).
 *
 * <p>Which one runs is decided once, when this class loads, the way Apache Lucene picks its
 * {@code VectorizationProvider}: the Vector API implementation only when the JVM resolved the incubator
 * module ({@code --add-modules jdk.incubator.vector}) and its preferred float vector holds at least 4
 * lanes. {@code VectorLoops} lives in a source folder of its own ({@code src/main/java-vector}), the only
 * code compiled against the module, and is loaded by name, so a JVM without the module never links
 * it. The choice is logged once ({@link System.Logger}) at DEBUG (java.util.logging's FINE, hidden by
 * default: a working setup prints nothing); without the module the log line is a WARNING that says how to
 * enable it, and a module whose preferred vector is too short is reported at INFO. The system property {@code lamina.vector=false} forces the scalar
 * loops.
 *
 * <p>DOUBLE tensors always take scalar loops (in the kernels themselves): they serve gradient checks and
 * tests, where speed does not matter.
 */
abstract class FusedLoops {
    FusedLoops() {}

    /** The dropout mask's hash of {@link Dropout#keep}, and the value a kept element gets. */
    record MaskHash(int low, int high, int threshold, double keptValue) {
        /** The hash {@link Dropout#sampleMask} uses for a draw {@code seed} and a drop rate. */
        static MaskHash of(long seed, double rate) {
            return new MaskHash((int) seed, (int) (seed >>> 32), (int) Math.round((1.0 - rate) * (1 << 24)),
                    1.0 / (1.0 - rate));
        }

        /** The value of a kept element in a FLOAT mask. */
        float kept() {
            return (float) keptValue;
        }
    }

    /** A short name of this implementation, for the log line and tests. */
    abstract String description();

    /**
     * BatchNorm's statistics sums over {@code x[off, off + len)}: adds {@code sum (x - shift)} to sums[0]
     * and {@code sum (x - shift)^2} to sums[1]. The shift (a value of the channel, near its mean) keeps
     * the variance {@code sums[1] / M - (sums[0] / M)^2} from cancelling when the mean is large against
     * the spread. The scalar loops sum in double; the vector loops in float lanes over short blocks that
     * are folded into double, as accurate as the float inputs for the seed network's run lengths.
     */
    abstract void shiftedSums(float[] x, int off, int len, float shift, double[] sums);

    /**
     * One run of the training forward pass of BatchNorm, activation and (if {@code hash} is not null)
     * dropout, from {@code x[xo, xo + len)} into index {@code o} on of the outputs:
     * {@code xHat = (x - mean) * invStd}, {@code z = xHat * gamma + beta}, {@code a = f(z)} and, with
     * dropout, {@code mask = keep(index + k) ? kept : 0}, {@code y = a * mask}.
     */
    abstract void normaliseActivate(float[] x, int xo, int len, float mean, float invStd, float gamma, float beta,
            Activation f, float p, float[] xHat, float[] z, float[] a, int o, MaskHash hash, int index, float[] mask,
            float[] y);

    /** {@code z = x * scale + shift} (skipped when z is null) and {@code a = f(x * scale + shift)} over a run. */
    abstract void affineActivate(float[] x, int xo, int len, float scale, float shift, Activation f, float p,
            float[] z, float[] a, int o);

    /**
     * One run of the fused backward: {@code g = dy * mask * f'} into {@code g[go..]}, where f' is read
     * from act (z for ReLU and LeakyReLU, a for ELU) and mask may be null; adds {@code sum g} to
     * sums[0] and {@code sum g * xHat} to sums[1] (summed as in {@link #shiftedSums}). dy, mask and act
     * are read from index {@code io} on.
     */
    abstract void gateAndSum(float[] dy, float[] mask, float[] act, int io, int len, Activation f, float p,
            float[] xHat, int ho, float[] g, int go, double[] sums);

    /** {@code dx[k] = a * g[go + k] + b * xHat[ho + k] + c} for k in {@code [0, len)}. */
    abstract void combine(float[] g, int go, float[] xHat, int ho, int len, float a, float b, float c, float[] dx);

    private static final System.Logger LOG = System.getLogger(FusedLoops.class.getName());

    static final String HINT = "Lamina runs its fused kernels on scalar loops: start java with"
            + " --add-modules jdk.incubator.vector to use the Vector API";

    /** The implementation this JVM runs. */
    static FusedLoops get() {
        return Holder.INSTANCE;
    }

    /** The scalar loops, whatever runs. */
    static FusedLoops scalar() {
        return ScalarLoops.INSTANCE;
    }

    /** The Vector API loops, if this JVM can run them (whatever the property {@code lamina.vector} says). */
    static Optional<FusedLoops> vector() {
        return Holder.VECTOR;
    }

    private static final class Holder {
        static final Optional<FusedLoops> VECTOR = lookupVector();
        static final FusedLoops INSTANCE = choose();

        private static FusedLoops choose() {
            if (!Boolean.parseBoolean(System.getProperty("lamina.vector", "true"))) {
                LOG.log(System.Logger.Level.DEBUG, "Lamina kernels: scalar loops (-Dlamina.vector=false)");
                return scalar();
            }
            if (VECTOR.isPresent()) {
                LOG.log(System.Logger.Level.DEBUG, "Lamina kernels: " + VECTOR.get().description());
                return VECTOR.get();
            }
            if (vectorModule().isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, HINT);
            } else {
                LOG.log(System.Logger.Level.INFO, "Lamina kernels: scalar loops (the preferred vector is too short)");
            }
            return scalar();
        }

        private static Optional<FusedLoops> lookupVector() {
            Optional<Module> module = vectorModule();
            if (module.isEmpty()) {
                return Optional.empty();
            }
            // Lamina may sit in a named module that does not read the incubator module by default.
            module.ifPresent(FusedLoops.class.getModule()::addReads);
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                Class<?> type = lookup.findClass(FusedLoops.class.getPackageName() + ".VectorLoops");
                return Optional.of((FusedLoops) lookup.findConstructor(type, MethodType.methodType(void.class))
                        .invoke());
            } catch (UnsupportedOperationException e) {
                // The constructor refuses vectors of fewer than 4 floats.
                return Optional.empty();
            } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
                throw new LinkageError("VectorLoops is missing from the Lamina runtime jar", e);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }

        private static Optional<Module> vectorModule() {
            ModuleLayer layer = FusedLoops.class.getModule().getLayer();
            return (layer != null ? layer : ModuleLayer.boot()).findModule("jdk.incubator.vector");
        }
    }

    // Direct convolution (DirectConv2d): one output plane at a time, over a staged input image.

    /**
     * Lanes of the vector the convolution loops step by (1 for the scalar loops): {@link #convolvePlane}
     * computes whole vectors along an output row, so the staged input
     * must be readable up to {@code roundUp(outW, convLanes())} columns past a row's start.
     */
    abstract int convLanes();

    /**
     * One output plane of a direct convolution (cross-correlation):
     * {@code y[oh * outW + ow] = bias + sum_t w[wo + t] * xs[taps[t] + oh * rowStep + ow]} for oh in
     * {@code [0, outH)}, ow in {@code [0, outW)}, the taps added in order, each as a float multiply and a
     * float add (no fused multiply-add), so the scalar and the vector loops give the same bits. The vector
     * loops compute whole vectors up to {@code roundUp(outW, convLanes())} and write their excess lanes past
     * the row's end, where the next row overwrites them: y needs {@code (outH - 1) * outW + roundUp(outW,
     * convLanes())} elements, and xs must be readable at every index such a lane reads.
     */
    abstract void convolvePlane(float[] xs, int[] taps, int tapCount, int rowStep, float[] w, int wo, float bias,
            int outH, int outW, float[] y);
}
