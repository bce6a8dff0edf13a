package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.kernel.BatchNormActivation.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

class BatchNormActivationTest {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;
    private static final long MASK_SEED = 31;

    private static final Random RNG = Nd4j.getRandomFactory().getNewRandomInstance(MASK_SEED);

    /** Activation, its parameter, the drop rate, and [N, C] or [N, C, H, W]. */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] functions = {{Activation.RELU, 0.0}, {Activation.LEAKY_RELU, 0.1}, {Activation.ELU, 1.0},
            {Activation.ELU, 0.7}};
        for (Object[] f : functions) {
            for (double rate : new double[] {0.0, 0.3}) {
                for (long[] shape : new long[][] {{6, 3}, {3, 4, 3, 5}}) {
                    cases.add(Arguments.of(f[0], f[1], rate, shape));
                }
            }
        }
        return cases.stream();
    }

    private static INDArray input(long seed, long[] shape) {
        // channels with different means and scales, as after a convolution
        INDArray x = randn(seed, shape);
        double[] scale = new double[(int) shape[1]];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = 0.5 + c % 4;
        }
        Support.broadcastMul(x, Nd4j.create(scale), x, 1);
        return x.addi(1.5);
    }

    /** What a forward and backward pass produce. */
    private record Result(INDArray y, INDArray runningMean, INDArray runningVar, INDArray dx, INDArray dGamma,
            INDArray dBeta) {}

    /**
     * The unfused chain; with {@code chainBackward}, its backward through
     * {@link BatchNormActivation#chainBackward} instead of the three kernels.
     */
    private static Result unfused(INDArray x, INDArray gamma, INDArray beta, Activation f, double p, double rate,
            INDArray dy, boolean chainBackward) {
        DataType t = x.dataType();
        long c = x.size(1);
        INDArray rm = Nd4j.zeros(t, c).addi(0.2), rv = Nd4j.ones(t, c).muli(1.5);
        INDArray dG = Nd4j.zeros(t, c).addi(0.25), dB = Nd4j.zeros(t, c).subi(0.5);
        BatchNorm.Cache cache = new BatchNorm.Cache();
        INDArray n = BatchNorm.forwardTrain(x, gamma, beta, rm, rv, MOMENTUM, EPS, cache);
        INDArray a = switch (f) {
            case RELU -> ReLU.forward(n);
            case LEAKY_RELU -> LeakyReLU.forward(n, p);
            case ELU -> ELU.forward(n, p);
        };
        INDArray y = a;
        INDArray mask = null;
        if (rate > 0) {
            RNG.setSeed(MASK_SEED);
            mask = Dropout.sampleMask(x.shape(), rate, RNG, t);
            y = Dropout.forward(a, mask);
        }
        if (chainBackward) {
            INDArray dx = BatchNormActivation.chainBackward(dy, mask, f, p, n, a, gamma, cache, dG, dB);
            return new Result(y, rm, rv, dx, dG, dB);
        }
        INDArray da = mask == null ? dy : Dropout.backward(dy, mask);
        INDArray dn = switch (f) {
            case RELU -> ReLU.backward(n, a, da);
            case LEAKY_RELU -> LeakyReLU.backward(n, a, da, p);
            case ELU -> ELU.backward(n, a, da, p);
        };
        INDArray dx = BatchNorm.backward(dn, gamma, cache, dG, dB);
        return new Result(y, rm, rv, dx, dG, dB);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void equalsUnfusedChain_double(Activation f, double p, double rate, long[] shape) {
        assertEqualChains(f, p, rate, shape, DataType.DOUBLE, 1e-12);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void equalsUnfusedChain_float(Activation f, double p, double rate, long[] shape) {
        assertEqualChains(f, p, rate, shape, DataType.FLOAT, 2e-5);
    }

    private static void assertEqualChains(Activation f, double p, double rate, long[] shape, DataType type,
            double tolerance) {
        long c = shape[1];
        INDArray x = input(1, shape).castTo(type);
        INDArray gamma = randn(2, c).castTo(type), beta = randn(3, c).castTo(type);
        INDArray dy = randn(4, shape).castTo(type);

        Result expected = unfused(x, gamma, beta, f, p, rate, dy, false);
        INDArray xBefore = x.dup(), dyBefore = dy.dup();
        Result chain = unfused(x, gamma, beta, f, p, rate, dy, true);

        if (type == DataType.DOUBLE) {
            // In DOUBLE chainBackward follows the three kernels' arithmetic operation for operation.
            assertThat(chain.dGamma()).isEqualTo(expected.dGamma());
            assertThat(chain.dBeta()).isEqualTo(expected.dBeta());
        } else {
            // In FLOAT the fused loops select the slope (a > 0 ? 1 : a + alpha) and may sum in vector lanes.
            assertClose("chainBackward dGamma", expected.dGamma(), chain.dGamma(), tolerance);
            assertClose("chainBackward dBeta", expected.dBeta(), chain.dBeta(), tolerance);
        }
        assertClose("chainBackward dx", expected.dx(), chain.dx(), tolerance);
        assertThat(x).isEqualTo(xBefore);
        assertThat(dy).isEqualTo(dyBefore);
        if (rate > 0) {
            // The mask dropped something, so the gate's mask factor is exercised.
            double zeros = chain.y().eq(0.0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
            assertThat(zeros).isGreaterThan(0.0);
            assertThat(zeros).isLessThan((double) x.length());
        }
    }

    /** The loops this JVM has: the scalar ones, and the Vector API ones when the module is resolved. */
    private static List<FusedLoops> loops() {
        List<FusedLoops> loops = new ArrayList<>(List.of(FusedLoops.scalar()));
        FusedLoops.vector().ifPresent(loops::add);
        return loops;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardEqualsUnfusedChain_double(Activation f, double p, double rate, long[] shape) {
        assertForwardEqualsUnfused(f, p, rate, shape, DataType.DOUBLE, 1e-12);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardEqualsUnfusedChain_float(Activation f, double p, double rate, long[] shape) {
        // The single ELU kernel computes exp(z) - 1, the fused one expm1(z): they differ by float rounding.
        assertForwardEqualsUnfused(f, p, rate, shape, DataType.FLOAT, 2e-6);
    }

    private static void assertForwardEqualsUnfused(Activation f, double p, double rate, long[] shape, DataType type,
            double tolerance) {
        long c = shape[1];
        INDArray x = input(1, shape).castTo(type);
        INDArray gamma = randn(2, c).castTo(type), beta = randn(3, c).castTo(type);
        INDArray dy = randn(4, shape).castTo(type);
        Result expected = unfused(x, gamma, beta, f, p, rate, dy, false);
        INDArray xBefore = x.dup();
        for (FusedLoops loops : loops()) {
            String name = loops.description() + " ";
            INDArray rm = Nd4j.zeros(type, c).addi(0.2), rv = Nd4j.ones(type, c).muli(1.5);
            INDArray dG = Nd4j.zeros(type, c).addi(0.25), dB = Nd4j.zeros(type, c).subi(0.5);
            RNG.setSeed(MASK_SEED);
            BatchNormActivation.Outputs out = BatchNormActivation.forward(x, gamma, beta, rm, rv, MOMENTUM, EPS,
                    true, f, p, rate, rate > 0 ? RNG : null, null, loops);

            assertClose(name + "output", expected.y(), out.output(), tolerance);
            assertThat(out.mask() == null).isEqualTo(rate == 0);
            // Running statistics come from the same sums as BatchNorm.forwardTrain's.
            assertThat(rm).isEqualTo(expected.runningMean());
            assertThat(rv).isEqualTo(expected.runningVar());
            assertThat(x).isEqualTo(xBefore);
            INDArray dx = BatchNormActivation.backward(dy, out, gamma, dG, dB);
            assertClose(name + "dx", expected.dx(), dx, 1e3 * tolerance);
            assertClose(name + "dGamma", expected.dGamma(), dG, 1e3 * tolerance);
            assertClose(name + "dBeta", expected.dBeta(), dB, 1e3 * tolerance);
            // Backward recomputes xHat, z or a and the mask per channel: the same as from the stored tensors.
            INDArray dG2 = Nd4j.zeros(type, c).addi(0.25), dB2 = Nd4j.zeros(type, c).subi(0.5);
            INDArray dx2 = BatchNormActivation.chainBackward(dy, out.mask(), f, p, out.normalised(), out.activated(),
                    gamma, out.cache(), dG2, dB2, loops);
            assertThat(dx).isEqualTo(dx2);
            assertThat(dG).isEqualTo(dG2);
            assertThat(dB).isEqualTo(dB2);
        }
    }

    @Test
    void forwardDrawsTheMaskDropoutDraws() {
        long[] shape = {4, 3, 5, 7};
        INDArray x = input(5, shape).castTo(DataType.FLOAT);
        INDArray gamma = Nd4j.ones(DataType.FLOAT, 3), beta = Nd4j.zeros(DataType.FLOAT, 3);
        RNG.setSeed(MASK_SEED);
        INDArray expected = Dropout.sampleMask(shape, 0.4, RNG, DataType.FLOAT);
        long next = RNG.nextLong();
        for (FusedLoops loops : loops()) {
            RNG.setSeed(MASK_SEED);
            BatchNormActivation.Outputs out = BatchNormActivation.forward(x, gamma, beta,
                    Nd4j.zeros(DataType.FLOAT, 3), Nd4j.ones(DataType.FLOAT, 3), MOMENTUM, EPS,
                    true, Activation.ELU, 1.0, 0.4, RNG, null, loops);
            assertThat(out.mask()).isEqualTo(expected);
            // One draw, as Dropout.sampleMask: the generator is where the unfused layers leave it.
            assertThat(RNG.nextLong()).isEqualTo(next);
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardOutsideTrainingIsInferenceBatchNormThenActivation(Activation f, double p, double rate, long[] shape) {
        long c = shape[1];
        INDArray x = input(6, shape).castTo(DataType.FLOAT);
        INDArray gamma = randn(7, c).castTo(DataType.FLOAT), beta = randn(8, c).castTo(DataType.FLOAT);
        INDArray rm = randn(9, c).castTo(DataType.FLOAT), rv = randn(10, c).muli(0.3).addi(1.2).castTo(DataType.FLOAT);
        INDArray z = BatchNorm.forwardInference(x, gamma, beta, rm, rv, EPS);
        INDArray a = switch (f) {
            case RELU -> ReLU.forward(z);
            case LEAKY_RELU -> LeakyReLU.forward(z, p);
            case ELU -> ELU.forward(z, p);
        };
        INDArray rmBefore = rm.dup(), rvBefore = rv.dup();
        for (FusedLoops loops : loops()) {
            BatchNormActivation.Outputs out = BatchNormActivation.forward(x, gamma, beta, rm, rv, MOMENTUM, EPS,
                    false, f, p, rate, RNG, null, loops);
            assertClose(loops.description() + " z", z, out.normalised(), 1e-6);
            assertClose(loops.description() + " a", a, out.activated(), 2e-6);
            assertThat(out.output()).isSameInstanceAs(out.activated());
            assertThat(out.mask()).isNull();
            assertThrows(IllegalStateException.class, out::cache);
            assertThrows(IllegalStateException.class, () -> BatchNormActivation.backward(x, out, gamma,
                    Nd4j.zeros(DataType.FLOAT, c), Nd4j.zeros(DataType.FLOAT, c)));
            assertThat(rm).isEqualTo(rmBefore);
            assertThat(rv).isEqualTo(rvBefore);
        }
    }

    /** Finite differences through the fused forward (DOUBLE, scalar loops) against chainBackward. */
    @ParameterizedTest
    @MethodSource("gradientCases")
    void fusedChainGradient_double(Activation f, double p, double rate) {
        long[] shape = {3, 2, 2, 3};
        INDArray x = input(11, shape), gamma = randn(12, 2), beta = randn(13, 2), r = randn(14, shape);
        Supplier<BatchNormActivation.Outputs> forward = () -> {
            RNG.setSeed(MASK_SEED);
            return BatchNormActivation.forward(x, gamma, beta, Nd4j.zeros(DataType.DOUBLE, 2),
                    Nd4j.ones(DataType.DOUBLE, 2), MOMENTUM, EPS, true, f, p, rate, rate > 0 ? RNG : null);
        };
        assertBackwardMatchesFiniteDifferences(forward, BatchNormActivation.Outputs::output, r, x, gamma, beta);
    }

    /**
     * dx, dGamma and dBeta of {@link BatchNormActivation#backward} on {@code forward()}'s result against central
     * differences of the loss {@code sum(output(forward()) * r)}.
     */
    private static void assertBackwardMatchesFiniteDifferences(Supplier<BatchNormActivation.Outputs> forward,
            Function<BatchNormActivation.Outputs, INDArray> output, INDArray r, INDArray x, INDArray gamma,
            INDArray beta) {
        INDArray dGamma = Nd4j.zeros(DataType.DOUBLE, gamma.length());
        INDArray dBeta = Nd4j.zeros(DataType.DOUBLE, gamma.length());
        INDArray dx = BatchNormActivation.backward(r, forward.get(), gamma, dGamma, dBeta);

        Supplier<Double> loss = () -> weightedSum(output.apply(forward.get()), r);
        assertGradient("dx", dx, numeric(loss, x));
        assertGradient("dGamma", dGamma, numeric(loss, gamma));
        assertGradient("dBeta", dBeta, numeric(loss, beta));
    }

    static Stream<Arguments> gradientCases() {
        return Stream.of(Arguments.of(Activation.ELU, 1.0, 0.0), Arguments.of(Activation.ELU, 0.7, 0.3),
                Arguments.of(Activation.LEAKY_RELU, 0.1, 0.3), Arguments.of(Activation.RELU, 0.0, 0.3));
    }

    @Test
    void positive_isAStepWithZeroAtZero() {
        assertThat(BatchNormActivation.positive(2.5f)).isEqualTo(1f);
        assertThat(BatchNormActivation.positive(Float.MIN_VALUE)).isEqualTo(1f);
        assertThat(BatchNormActivation.positive(0f)).isEqualTo(0f);
        assertThat(BatchNormActivation.positive(-0f)).isEqualTo(0f);
        assertThat(BatchNormActivation.positive(-3f)).isEqualTo(0f);
        assertThat(BatchNormActivation.positive(Double.MIN_VALUE)).isEqualTo(1.0);
        assertThat(BatchNormActivation.positive(-0.0)).isEqualTo(0.0);
        assertThat(BatchNormActivation.positive(0.0)).isEqualTo(0.0);
        assertThat(BatchNormActivation.positive(-1e300)).isEqualTo(0.0);
    }

    /** Window geometries for the pooled chain on a [N, C, 6, 7] input: tiled (odd width), overlapping, padded. */
    static Stream<Arguments> poolCases() {
        return Stream.of(
                Arguments.of(Activation.ELU, 1.0, 0.3, PoolGeometry.window(2).stride(2).padding(0, 0).output(3, 3)),
                Arguments.of(Activation.RELU, 0.0, 0.0, PoolGeometry.window(3).stride(2).padding(1, 1).output(3, 4)),
                Arguments.of(Activation.LEAKY_RELU, 0.1, 0.3,
                        PoolGeometry.window(2, 3).stride(1, 2).padding(0, 1).output(5, 4)));
    }

    /**
     * The pooled chain (FLOAT, both loops) equals the chain followed by the max-pooling kernels, forward
     * and backward; the chain's own outputs, computed on request, equal the unpooled pass's.
     */
    @ParameterizedTest
    @MethodSource("poolCases")
    void pooledChainEqualsChainThenMaxPool(Activation f, double p, double rate, PoolGeometry pool) {
        long[] shape = {3, 4, 6, 7};
        INDArray x = input(21, shape).castTo(DataType.FLOAT);
        INDArray gamma = randn(22, 4).castTo(DataType.FLOAT), beta = randn(23, 4).castTo(DataType.FLOAT);
        INDArray dPooled = randn(24, 3, 4, pool.outHeight(), pool.outWidth()).castTo(DataType.FLOAT);
        for (FusedLoops loops : loops()) {
            String name = loops.description() + " ";
            RNG.setSeed(MASK_SEED);
            BatchNormActivation.Outputs chain = BatchNormActivation.forward(x, gamma, beta, Nd4j.zeros(DataType.FLOAT, 4),
                    Nd4j.ones(DataType.FLOAT, 4), MOMENTUM, EPS, true, f, p, rate, rate > 0 ? RNG : null, null, loops);
            INDArray expectedPooled = MaxPool2d.forward(chain.output(), pool);
            INDArray dG = Nd4j.zeros(DataType.FLOAT, 4), dB = Nd4j.zeros(DataType.FLOAT, 4);
            INDArray expectedDx = BatchNormActivation.backward(
                    MaxPool2d.backward(chain.output(), expectedPooled, dPooled, pool), chain, gamma, dG, dB);

            RNG.setSeed(MASK_SEED);
            BatchNormActivation.Outputs pooled = BatchNormActivation.forward(x, gamma, beta,
                    Nd4j.zeros(DataType.FLOAT, 4), Nd4j.ones(DataType.FLOAT, 4), MOMENTUM, EPS, true, f, p, rate,
                    rate > 0 ? RNG : null, pool, loops);
            assertThat(pooled.pooled()).isEqualTo(expectedPooled);
            INDArray dG2 = Nd4j.zeros(DataType.FLOAT, 4), dB2 = Nd4j.zeros(DataType.FLOAT, 4);
            INDArray dx = BatchNormActivation.backward(dPooled, pooled, gamma, dG2, dB2);
            // Overlapping windows may add a cell's gradients in another order.
            assertClose(name + "dx", expectedDx, dx, 1e-6);
            assertClose(name + "dGamma", dG, dG2, 1e-6);
            assertClose(name + "dBeta", dB, dB2, 1e-6);
            assertThat(pooled.output()).isEqualTo(chain.output());
            assertThat(pooled.normalised()).isEqualTo(chain.normalised());
            assertThat(pooled.activated()).isEqualTo(chain.activated());
            assertThrows(IllegalArgumentException.class, () -> BatchNormActivation.backward(chain.output(), pooled,
                    gamma, dG2, dB2));
        }
    }

    /** Finite differences through the pooled chain (DOUBLE) against its backward. */
    @ParameterizedTest
    @MethodSource("poolCases")
    void pooledChainGradient_double(Activation f, double p, double rate, PoolGeometry pool) {
        long[] shape = {2, 2, 6, 7};
        INDArray x = input(25, shape), gamma = randn(26, 2), beta = randn(27, 2);
        INDArray r = randn(28, 2, 2, pool.outHeight(), pool.outWidth());
        Supplier<BatchNormActivation.Outputs> forward = () -> {
            RNG.setSeed(MASK_SEED);
            return BatchNormActivation.forward(x, gamma, beta, Nd4j.zeros(DataType.DOUBLE, 2),
                    Nd4j.ones(DataType.DOUBLE, 2), MOMENTUM, EPS, true, f, p, rate, rate > 0 ? RNG : null, pool);
        };
        assertBackwardMatchesFiniteDifferences(forward, BatchNormActivation.Outputs::pooled, r, x, gamma, beta);
    }

    /** As PyTorch's max_pool2d: a NaN in a window pools to NaN, and that window's gradient goes to its (last) NaN. */
    @Test
    void pooledChainPropagatesNaN() {
        long[] shape = {2, 3, 4, 4};
        PoolGeometry pool = PoolGeometry.window(2).stride(2).padding(0, 0).output(2, 2);
        for (FusedLoops loops : loops()) {
            INDArray x = input(29, shape).castTo(DataType.FLOAT);
            x.putScalar(new long[] {1, 2, 3, 0}, Float.NaN);
            BatchNormActivation.Outputs out = BatchNormActivation.forward(x, Nd4j.ones(DataType.FLOAT, 3),
                    Nd4j.zeros(DataType.FLOAT, 3), Nd4j.zeros(DataType.FLOAT, 3), Nd4j.ones(DataType.FLOAT, 3),
                    MOMENTUM, EPS, true, Activation.RELU, 0, 0, null, pool, loops);
            INDArray pooled = out.pooled();
            // Channel 2's statistics are NaN, so its whole plane is; the other channels stay finite.
            assertThat(Float.isNaN(pooled.getFloat(1, 2, 1, 0))).isTrue();
            assertThat(Float.isNaN(pooled.getFloat(0, 2, 0, 0))).isTrue();
            assertThat(Float.isFinite(pooled.getFloat(1, 1, 1, 0))).isTrue();
            assertThat(Float.isFinite(pooled.getFloat(0, 0, 0, 1))).isTrue();
        }
        float[] plane = {1, 2, 3, Float.NaN, 5, 6, 7, 8, 9};
        PoolGeometry g = PoolGeometry.window(2).stride(1).padding(0, 0).output(2, 2);
        float[] y = new float[4], dx = new float[9];
        MaxPoolPlane.forward(plane, 0, 3, 3, g, y, 0);
        assertThat(Float.isNaN(y[0])).isTrue();
        assertThat(Float.isNaN(y[2])).isTrue();
        assertThat(y[1]).isEqualTo(6f);
        assertThat(y[3]).isEqualTo(9f);
        MaxPoolPlane.backward(plane, 0, 3, 3, g, new float[] {1, 10, 100, 1000}, 0, dx, 0);
        assertThat(dx).usingExactEquality().containsExactly(0, 0, 0, 101, 0, 10, 0, 0, 1000).inOrder();
        // Two NaNs in one window: PyTorch's loop keeps the last (also on the unrolled 2x2 loop).
        float[] twoNaNs = {Float.NaN, 1, Float.NaN, 2};
        float[] dTwo = new float[4], pooled = new float[1];
        PoolGeometry window = PoolGeometry.window(2).stride(2).padding(0, 0).output(1, 1);
        MaxPoolPlane.forward(twoNaNs, 0, 2, 2, window, pooled, 0);
        assertThat(Float.isNaN(pooled[0])).isTrue();
        MaxPoolPlane.backward(twoNaNs, 0, 2, 2, window, new float[] {5}, 0, dTwo, 0);
        assertThat(dTwo).usingExactEquality().containsExactly(0, 0, 5, 0).inOrder();
    }

    @Test
    void rejectsBadArguments() {
        long[] shape = {4, 3};
        INDArray x = input(1, shape);
        INDArray gamma = Nd4j.ones(DataType.DOUBLE, 3), beta = Nd4j.zeros(DataType.DOUBLE, 3);
        INDArray dG = Nd4j.zeros(DataType.DOUBLE, 3), dB = Nd4j.zeros(DataType.DOUBLE, 3);
        BatchNorm.Cache cache = new BatchNorm.Cache();
        INDArray n = BatchNorm.forwardTrain(x, gamma, beta, Nd4j.zeros(DataType.DOUBLE, 3),
                Nd4j.ones(DataType.DOUBLE, 3), MOMENTUM, EPS, cache);
        INDArray a = ReLU.forward(n);
        INDArray dy = randn(2, shape);

        assertThrows(IllegalStateException.class, () -> BatchNormActivation.chainBackward(dy, null, Activation.RELU,
                0, n, a, gamma, new BatchNorm.Cache(), dG, dB));
        assertThrows(NullPointerException.class, () -> BatchNormActivation.chainBackward(dy, null, null, 0, n, a,
                gamma, cache, dG, dB));
        assertThrows(IllegalArgumentException.class, () -> BatchNormActivation.chainBackward(dy,
                Nd4j.ones(DataType.DOUBLE, 4, 2), Activation.RELU, 0, n, a, gamma, cache, dG, dB));
        assertThrows(IllegalArgumentException.class, () -> BatchNormActivation.chainBackward(dy, null,
                Activation.RELU, 0, n.reshape(3, 4), a, gamma, cache, dG, dB));
        // Nothing was accumulated by the rejected calls.
        assertThat(dG).isEqualTo(Nd4j.zeros(DataType.DOUBLE, 3));
        assertThat(dB).isEqualTo(Nd4j.zeros(DataType.DOUBLE, 3));
    }
}
