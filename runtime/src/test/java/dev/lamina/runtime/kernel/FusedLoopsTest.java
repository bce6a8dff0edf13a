package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lamina.runtime.kernel.BatchNormActivation.Activation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The Vector API loops against the scalar loops, loop by loop and through the kernels that use them. */
class FusedLoopsTest {
    /** Run lengths: shorter than a vector, the seed network's bn2 (121) and bn1 (676) runs, a tail of 1. */
    private static final int[] LENGTHS = {3, 121, 676, 1025};

    private static FusedLoops vector() {
        // Surefire starts the JVM with --add-modules jdk.incubator.vector (see the parent pom).
        return FusedLoops.vector().orElseThrow(() -> new AssertionError(
                "the Vector API loops did not load: " + FusedLoops.HINT));
    }

    @Test
    void theBuildRunsTheVectorLoops() {
        assertThat(FusedLoops.get()).isSameInstanceAs(vector());
        assertThat(vector().description()).contains("Vector API");
    }

    private static float[] gaussian(Random random, int n, float scale, float shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian() * scale + shift;
        }
        return a;
    }

    /** Whether a and b agree within {@code ulps} units in the last place, element by element. */
    /**
     * Every vector lives inside one method of VectorLoops: a vector passed to or returned from a method
     * that C2 does not inline is boxed, a heap allocation per vector (see VectorLoops' class comment).
     */
    @Test
    void noVectorLoopsMethodTakesOrReturnsAVector() {
        for (Method m : vector().getClass().getDeclaredMethods()) {
            List<Class<?>> types = new ArrayList<>(List.of(m.getParameterTypes()));
            types.add(m.getReturnType());
            for (Class<?> type : types) {
                assertWithMessage("%s: %s", m, type).that(type.getPackageName()).isNotEqualTo("jdk.incubator.vector");
            }
        }
    }

    private static void assertUlps(String name, float[] expected, float[] actual, int ulps) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) ? !Float.isNaN(a) : Math.abs(a - e) > ulps * Math.ulp(e)) {
                throw new AssertionError(name + "[" + i + "]: " + a + ", expected " + e);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void normaliseActivate_vectorEqualsScalar(Activation f) {
        float p = f == Activation.LEAKY_RELU ? 0.1f : 0.8f;
        Random random = new Random(f.ordinal());
        for (int len : LENGTHS) {
            float[] x = gaussian(random, len + 5, 2f, 0.3f);
            x[7 % x.length] = Float.NaN;
            x[9 % x.length] = 0.3f; // z = 0 exactly: the select's edge
            float[][] s = new float[5][len], v = new float[5][len];
            FusedLoops.MaskHash hash = FusedLoops.MaskHash.of(0x1234_5678_9ABCL, 0.3);
            FusedLoops.scalar().normaliseActivate(x, 5, len, 0.3f, 0.5f, 1.5f, 0f, f, p, s[0], s[1], s[2], 0, hash, 17,
                    s[3], s[4]);
            vector().normaliseActivate(x, 5, len, 0.3f, 0.5f, 1.5f, 0f, f, p, v[0], v[1], v[2], 0, hash, 17, v[3],
                    v[4]);
            assertArrayEquals(s[0], v[0], "xHat");
            assertArrayEquals(s[1], v[1], "z");
            assertArrayEquals(s[3], v[3], "mask");
            // expm1: the JDK's vector math library against Math.expm1, a rounding apart.
            int ulps = f == Activation.ELU ? 2 : 0;
            assertUlps("a", s[2], v[2], ulps);
            assertUlps("y", s[4], v[4], ulps);
        }
    }

    @Test
    void normaliseActivate_maskIsDropoutsMask() {
        long seed = 987_654_321_012L;
        INDArray expected = Nd4j.createUninitialized(DataType.FLOAT, 1000);
        Dropout.fill(expected, seed, 0.25, 1.0 / 0.75);
        float[] x = new float[1000], out = new float[1000], mask = new float[1000];
        vector().normaliseActivate(x, 0, 1000, 0f, 1f, 1f, 1f, Activation.RELU, 0f, out, out, out, 0,
                FusedLoops.MaskHash.of(seed, 0.25), 0, mask, out);
        assertArrayEquals(expected.toFloatVector(), mask);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void affineActivate_vectorEqualsScalar(Activation f) {
        Random random = new Random(10 + f.ordinal());
        for (int len : LENGTHS) {
            float[] x = gaussian(random, len, 3f, -0.5f);
            float[] zs = new float[len], as = new float[len], zv = new float[len], av = new float[len];
            FusedLoops.scalar().affineActivate(x, 0, len, 0.7f, 0.1f, f, 0.2f, zs, as, 0);
            vector().affineActivate(x, 0, len, 0.7f, 0.1f, f, 0.2f, zv, av, 0);
            assertArrayEquals(zs, zv, "z");
            assertUlps("a", as, av, f == Activation.ELU ? 2 : 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void gateAndSumAndCombine_vectorEqualsScalar(Activation f) {
        Random random = new Random(20 + f.ordinal());
        for (int len : LENGTHS) {
            float[] dy = gaussian(random, len + 2, 1f, 0f), act = gaussian(random, len + 2, 1f, 0f);
            float[] mask = gaussian(random, len + 2, 1f, 0f), xHat = gaussian(random, len + 4, 1f, 0f);
            for (int i = 0; i < mask.length; i++) {
                mask[i] = mask[i] > 0 ? 1.25f : 0f;
            }
            for (float[] m : new float[][] {null, mask}) {
                float[] gs = new float[len + 3], gv = new float[len + 3];
                double[] ss = new double[] {1, 2}, sv = new double[] {1, 2};
                FusedLoops.scalar().gateAndSum(dy, m, act, 2, len, f, 0.6f, xHat, 4, gs, 3, ss);
                vector().gateAndSum(dy, m, act, 2, len, f, 0.6f, xHat, 4, gv, 3, sv);
                assertArrayEquals(gs, gv, "g");
                // Float lanes against a double accumulator: equal to float precision of the terms.
                assertThat(sv[0]).isWithin(1e-5 * len).of(ss[0]);
                assertThat(sv[1]).isWithin(1e-5 * len).of(ss[1]);

                float[] dxs = new float[len], dxv = new float[len];
                FusedLoops.scalar().combine(gs, 3, xHat, 4, len, 0.9f, -0.2f, 0.05f, dxs);
                vector().combine(gv, 3, xHat, 4, len, 0.9f, -0.2f, 0.05f, dxv);
                assertArrayEquals(dxs, dxv, "dx");
            }
        }
    }

    @Test
    void shiftedSums_vectorEqualsScalar() {
        Random random = new Random(40);
        // The lengths above, a first-block channel at batch 128 (128 runs of 676) and one of many blocks.
        for (int len : new int[] {3, 121, 676, 1025, 128 * 676}) {
            float[] x = gaussian(random, len + 3, 2f, 0.7f);
            double[] ss = {1, 2}, sv = {1, 2};
            FusedLoops.scalar().shiftedSums(x, 3, len, x[3], ss);
            vector().shiftedSums(x, 3, len, x[3], sv);
            // Float lanes over blocks of 16 terms against double: a few float roundings of the sum of |terms|.
            assertThat(sv[0]).isWithin(1e-6 * 2 * len).of(ss[0]);
            assertThat(sv[1]).isWithin(1e-6 * (4 + 2) * 2 * len).of(ss[1]);
        }
    }

    /**
     * Catastrophic cancellation: a channel of mean 1000 and standard deviation 0.01 (a 1e5 ratio, more than
     * float's 2^-24 resolves in E[x^2] - E[x]^2). The vector loops' mean and variance must equal the exact
     * double two-pass statistics of the same float values: mean within 1e-4 of the standard deviation,
     * variance within 1e-4 relative.
     */
    @Test
    void shiftedSums_largeMeanSmallVariance_equalsTwoPassDoubleStatistics() {
        int len = 128 * 676 + 5;
        float[] x = gaussian(new Random(41), len, 0.01f, 1000f);
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= len;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= len;
        for (FusedLoops loops : new FusedLoops[] {vector(), FusedLoops.scalar()}) {
            double[] sums = new double[2];
            loops.shiftedSums(x, 0, len, x[0], sums);
            double meanShift = sums[0] / len;
            double loopsMean = x[0] + meanShift, loopsVar = sums[1] / len - meanShift * meanShift;
            assertThat(loopsMean).isWithin(1e-4 * Math.sqrt(var)).of(mean);
            assertThat(loopsVar).isWithin(1e-4 * var).of(var);
        }
    }

    @Test
    void eluForward_vectorEqualsScalarAndTheFunction() {
        // 3 blocks of 4096 and a tail, so that the blocks split across threads.
        INDArray x = randn(40, 3, 4100).muli(2).castTo(DataType.FLOAT);
        INDArray s = Nd4j.createUninitialized(DataType.FLOAT, 3, 4100), v = s.ulike();
        ELU.forwardOnLoops(x, s, 0.9f, FusedLoops.scalar());
        ELU.forwardOnLoops(x, v, 0.9f, vector());
        assertUlps("ELU", s.ravel().toFloatVector(), v.ravel().toFloatVector(), 2);
        double[] expected = x.ravel().toDoubleVector();
        for (int i = 0; i < expected.length; i++) {
            expected[i] = expected[i] > 0 ? expected[i] : 0.9 * Math.expm1(expected[i]);
        }
        assertClose("ELU forward", Nd4j.create(expected, new long[] {3, 4100}, 'c'), v, 1e-6);
    }

    /** The whole fused chain at a first-block-like shape, forward and backward, on both loops. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void batchNormActivation_vectorEqualsScalar(Activation f) {
        long[] shape = {6, 4, 13, 13};
        INDArray x = randn(30, shape).muli(2).addi(0.5).castTo(DataType.FLOAT);
        INDArray gamma = randn(31, 4).castTo(DataType.FLOAT), beta = randn(32, 4).castTo(DataType.FLOAT);
        INDArray dy = randn(33, shape).castTo(DataType.FLOAT);
        INDArray[] s = run(FusedLoops.scalar(), x, gamma, beta, dy, f);
        INDArray[] v = run(vector(), x, gamma, beta, dy, f);
        String[] names = {"z", "a", "mask", "y", "dx", "dGamma", "dBeta"};
        for (int i = 0; i < names.length; i++) {
            assertClose(names[i], s[i], v[i], 1e-5);
        }
        assertThat(v[2]).isEqualTo(s[2]);
    }

    /** The same cancellation case through the fused forward: FLOAT on the vector loops against DOUBLE. */
    @Test
    void batchNormActivation_largeMeanSmallVariance_statisticsEqualDouble() {
        long[] shape = {32, 3, 26, 26};
        INDArray xd = randn(42, shape).muli(0.01).addi(1000);
        INDArray x = xd.castTo(DataType.FLOAT);
        xd = x.castTo(DataType.DOUBLE); // the same values, so only the summing differs
        double[] invStd = new double[3];
        INDArray[] running = new INDArray[2];
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray runningMean = Nd4j.zeros(type, 3), runningVar = Nd4j.zeros(type, 3);
            BatchNormActivation.Outputs out = BatchNormActivation.forward(type == DataType.FLOAT ? x : xd,
                    Nd4j.ones(type, 3), Nd4j.zeros(type, 3), runningMean, runningVar, 1.0, 1e-12, true,
                    Activation.RELU, 0, 0, null, null, vector());
            double[] is = out.cache().invStd.toDoubleVector();
            if (type == DataType.DOUBLE) {
                System.arraycopy(is, 0, invStd, 0, 3);
                running[0] = runningMean;
                running[1] = runningVar;
                continue;
            }
            for (int c = 0; c < 3; c++) {
                // invStd ~ 100: 1e-4 relative, as the variance; the mean to float's resolution at 1000.
                assertThat(is[c]).isWithin(1e-4 * invStd[c]).of(invStd[c]);
            }
            assertClose("running mean", running[0].castTo(DataType.FLOAT), runningMean, 1e-7); // 1e-4 absolute at 1000
            assertClose("running variance", running[1].castTo(DataType.FLOAT), runningVar, 1e-8);
        }
    }

    private static INDArray[] run(FusedLoops loops, INDArray x, INDArray gamma, INDArray beta, INDArray dy,
            Activation f) {
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(5);
        BatchNormActivation.Outputs out = BatchNormActivation.forward(x, gamma, beta, Nd4j.zeros(DataType.FLOAT, 4),
                Nd4j.ones(DataType.FLOAT, 4), 0.1, 1e-5, true, f, 0.5, 0.2, rng, null, loops);
        INDArray dGamma = Nd4j.zeros(DataType.FLOAT, 4), dBeta = Nd4j.zeros(DataType.FLOAT, 4);
        INDArray dx = BatchNormActivation.backward(dy, out, gamma, dGamma, dBeta);
        return new INDArray[] {out.normalised(), out.activated(), out.mask(), out.output(), dx, dGamma, dBeta};
    }
}
