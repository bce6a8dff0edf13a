package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.kernel.BatchNormActivation.Activation;
import java.util.ArrayList;
import java.util.List;
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

        // chainBackward follows the three kernels' arithmetic operation for operation.
        assertThat(chain.dGamma()).isEqualTo(expected.dGamma());
        assertThat(chain.dBeta()).isEqualTo(expected.dBeta());
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
