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

    /** What a forward and backward pass produce, fused or not. */
    private record Result(INDArray y, INDArray runningMean, INDArray runningVar, INDArray dx, INDArray dGamma,
            INDArray dBeta) {}

    private static Result fused(INDArray x, INDArray gamma, INDArray beta, Activation f, double p, double rate,
            INDArray dy) {
        DataType t = x.dataType();
        long c = x.size(1);
        INDArray rm = Nd4j.zeros(t, c).addi(0.2), rv = Nd4j.ones(t, c).muli(1.5);
        INDArray dG = Nd4j.zeros(t, c).addi(0.25), dB = Nd4j.zeros(t, c).subi(0.5);
        BatchNormActivation.Cache cache = new BatchNormActivation.Cache();
        RNG.setSeed(MASK_SEED);
        INDArray y = BatchNormActivation.forwardTrain(x, gamma, beta, rm, rv, MOMENTUM, EPS, f, p, rate, RNG, cache);
        INDArray dx = BatchNormActivation.backward(dy, gamma, cache, dG, dB);
        return new Result(y, rm, rv, dx, dG, dB);
    }

    /** The same chain through BatchNorm, the activation's kernel and Dropout, one call each. */
    private static Result unfused(INDArray x, INDArray gamma, INDArray beta, Activation f, double p, double rate,
            INDArray dy) {
        return unfused(x, gamma, beta, f, p, rate, dy, false);
    }

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

        Result expected = unfused(x, gamma, beta, f, p, rate, dy);
        INDArray xBefore = x.dup(), dyBefore = dy.dup();
        Result actual = fused(x, gamma, beta, f, p, rate, dy);
        Result chain = unfused(x, gamma, beta, f, p, rate, dy, true);

        // chainBackward follows the three kernels' arithmetic operation for operation.
        assertThat(chain.dGamma()).isEqualTo(expected.dGamma());
        assertThat(chain.dBeta()).isEqualTo(expected.dBeta());
        assertClose("chainBackward dx", expected.dx(), chain.dx(), tolerance);

        assertClose("y", expected.y(), actual.y(), tolerance);
        assertClose("runningMean", expected.runningMean(), actual.runningMean(), tolerance);
        assertClose("runningVar", expected.runningVar(), actual.runningVar(), tolerance);
        assertClose("dx", expected.dx(), actual.dx(), tolerance);
        assertClose("dGamma", expected.dGamma(), actual.dGamma(), tolerance);
        assertClose("dBeta", expected.dBeta(), actual.dBeta(), tolerance);
        assertThat(x).isEqualTo(xBefore);
        assertThat(dy).isEqualTo(dyBefore);
        if (rate > 0) {
            // The mask dropped something, and kept the rest scaled by 1/(1 - rate).
            double zeros = actual.y().eq(0.0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
            assertThat(zeros).isGreaterThan(0.0);
            assertThat(zeros).isLessThan((double) x.length());
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(Activation f, double p, double rate, long[] shape) {
        long c = shape[1];
        INDArray x = input(5, shape);
        INDArray gamma = randn(6, c), beta = randn(7, c);
        INDArray weights = randn(8, shape);
        // Every evaluation draws the same mask and starts from the same running statistics.
        Supplier<Double> loss = () -> {
            RNG.setSeed(MASK_SEED);
            INDArray y = BatchNormActivation.forwardTrain(x, gamma, beta, Nd4j.zeros(DataType.DOUBLE, c),
                    Nd4j.ones(DataType.DOUBLE, c), MOMENTUM, EPS, f, p, rate, RNG, new BatchNormActivation.Cache());
            return weightedSum(y, weights);
        };
        BatchNormActivation.Cache cache = new BatchNormActivation.Cache();
        RNG.setSeed(MASK_SEED);
        BatchNormActivation.forwardTrain(x, gamma, beta, Nd4j.zeros(DataType.DOUBLE, c),
                Nd4j.ones(DataType.DOUBLE, c), MOMENTUM, EPS, f, p, rate, RNG, cache);
        INDArray dGamma = Nd4j.zeros(DataType.DOUBLE, c), dBeta = Nd4j.zeros(DataType.DOUBLE, c);
        INDArray dx = BatchNormActivation.backward(weights, gamma, cache, dGamma, dBeta);

        assertGradient("x", dx, numeric(loss, x));
        assertGradient("gamma", dGamma, numeric(loss, gamma));
        assertGradient("beta", dBeta, numeric(loss, beta));
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

    @Test
    void rejectsBadArguments() {
        INDArray x = input(1, new long[] {4, 3});
        INDArray gamma = Nd4j.ones(DataType.DOUBLE, 3), beta = Nd4j.zeros(DataType.DOUBLE, 3);
        INDArray rm = Nd4j.zeros(DataType.DOUBLE, 3), rv = Nd4j.ones(DataType.DOUBLE, 3);
        BatchNormActivation.Cache cache = new BatchNormActivation.Cache();
        assertThrows(IllegalArgumentException.class, () -> BatchNormActivation.forwardTrain(x, gamma, beta, rm, rv,
                MOMENTUM, EPS, Activation.RELU, 0, 1.0, RNG, cache));
        assertThrows(IllegalArgumentException.class, () -> BatchNormActivation.forwardTrain(x, gamma, beta, rm, rv,
                MOMENTUM, EPS, Activation.RELU, 0, -0.1, RNG, cache));
        assertThrows(NullPointerException.class, () -> BatchNormActivation.forwardTrain(x, gamma, beta, rm, rv,
                MOMENTUM, EPS, Activation.RELU, 0, 0.5, null, cache));
        assertThrows(IllegalArgumentException.class, () -> BatchNormActivation.forwardTrain(x.castTo(DataType.FLOAT),
                gamma, beta, rm, rv, MOMENTUM, EPS, Activation.RELU, 0, 0.0, null, cache));
        assertThrows(IllegalArgumentException.class, () -> BatchNormActivation.forwardTrain(x, gamma, beta, rm, rv,
                MOMENTUM, 0.0, Activation.RELU, 0, 0.0, null, cache));
        assertThrows(IllegalStateException.class, () -> BatchNormActivation.backward(x, gamma, cache,
                Nd4j.zeros(DataType.DOUBLE, 3), Nd4j.zeros(DataType.DOUBLE, 3)));
        // Dropout 0 needs no generator.
        INDArray y = BatchNormActivation.forwardTrain(x, gamma, beta, rm, rv, MOMENTUM, EPS, Activation.RELU, 0,
                0.0, null, cache);
        assertThat(y.shape()).isEqualTo(x.shape());
    }
}
