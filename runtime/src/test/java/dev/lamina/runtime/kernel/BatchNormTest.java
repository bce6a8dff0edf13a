package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchNormTest {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    /** [N, C], [N, C, L] (a signal) and [N, C, H, W] inputs. */
    static Stream<long[]> shapes() {
        return Stream.of(new long[] {5, 3}, new long[] {3, 4, 6}, new long[] {3, 4, 3, 5});
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

    @ParameterizedTest
    @MethodSource("shapes")
    void trainingForwardNormalisesWithBatchStatistics(long[] shape) {
        INDArray x = input(1, shape);
        long c = shape[1];
        INDArray gamma = randn(2, c);
        INDArray beta = randn(3, c);
        BatchNorm.Cache cache = new BatchNorm.Cache();

        INDArray y = BatchNorm.forwardTrain(x, gamma, beta, Nd4j.zeros(DataType.DOUBLE, c),
                Nd4j.ones(DataType.DOUBLE, c), MOMENTUM, EPS, cache);

        double[] mean = Reference.channelMean(x);
        double[] var = Reference.channelVariance(x);
        assertClose("y", Reference.batchNorm(x, mean, var, gamma, beta, EPS), y, 1e-12);
        INDArray ones = Nd4j.ones(DataType.DOUBLE, c);
        assertClose("cache.xHat", Reference.batchNorm(x, mean, var, ones, ones.mul(0), EPS), cache.xHat, 1e-12);
        double[] invStd = new double[(int) c];
        for (int i = 0; i < c; i++) {
            invStd[i] = 1 / Math.sqrt(var[i] + EPS);
        }
        assertClose("cache.invStd", Nd4j.create(invStd), cache.invStd, 1e-12);
    }

    @Test
    void statisticsStayAccurateWhenTheMeanDwarfsTheSpread() {
        long[] shape = {8, 2, 5, 5};
        INDArray x = randn(26, shape).muli(0.01).addi(1000);
        INDArray ones = Nd4j.ones(DataType.DOUBLE, 2);
        BatchNorm.Cache cache = new BatchNorm.Cache();
        BatchNorm.Cache cacheF = new BatchNorm.Cache();

        BatchNorm.forwardTrain(x, ones, ones.mul(0), ones.mul(0), ones.dup(), MOMENTUM, EPS, cache);
        BatchNorm.forwardTrain(toFloat(x), toFloat(ones), toFloat(ones.mul(0)), toFloat(ones.mul(0)),
                toFloat(ones), MOMENTUM, EPS, cacheF);

        double[] var = Reference.channelVariance(x);
        double[] invStd = {1 / Math.sqrt(var[0] + EPS), 1 / Math.sqrt(var[1] + EPS)};
        assertClose("invStd", Nd4j.create(invStd), cache.invStd, 1e-9 * invStd[0]);
        // FLOAT inputs near 1000 carry only ~6e-5 absolute precision; xHat is on the scale of 1
        assertClose("float xHat", cache.xHat, cacheF.xHat, 2e-2);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void runningStatisticsFollowPyTorch(long[] shape) {
        INDArray x = input(4, shape);
        long c = shape[1];
        long m = x.length() / c;
        INDArray runningMean = randn(5, c);
        INDArray runningVar = randn(6, c).muli(0.1).addi(1);
        INDArray mean0 = runningMean.dup();
        INDArray var0 = runningVar.dup();

        BatchNorm.forwardTrain(x, randn(7, c), randn(8, c), runningMean, runningVar, MOMENTUM, EPS,
                new BatchNorm.Cache());

        double[] mean = Reference.channelMean(x);
        double[] var = Reference.channelVariance(x);
        INDArray expectedMean = Nd4j.create(mean).muli(MOMENTUM).addi(mean0.mul(1 - MOMENTUM));
        INDArray expectedVar = Nd4j.create(var).muli(MOMENTUM * m / (m - 1.0)).addi(var0.mul(1 - MOMENTUM));
        assertClose("running mean", expectedMean, runningMean, 1e-12);
        assertClose("running var (unbiased batch variance)", expectedVar, runningVar, 1e-12);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void inferenceUsesRunningStatistics(long[] shape) {
        INDArray x = input(9, shape);
        long c = shape[1];
        INDArray gamma = randn(10, c);
        INDArray beta = randn(11, c);
        INDArray runningMean = randn(12, c);
        INDArray runningVar = randn(13, c).muli(0.2).addi(1.5);

        INDArray y = BatchNorm.forwardInference(x, gamma, beta, runningMean, runningVar, EPS);

        assertClose("inference y", Reference.batchNorm(x, runningMean.toDoubleVector(),
                runningVar.toDoubleVector(), gamma, beta, EPS), y, 1e-12);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void backwardMatchesFiniteDifferences(long[] shape) {
        INDArray x = input(14, shape);
        long c = shape[1];
        INDArray gamma = randn(15, c);
        INDArray beta = randn(16, c);
        INDArray r = randn(17, shape);
        Supplier<INDArray> forward = () -> BatchNorm.forwardTrain(x, gamma, beta, Nd4j.zeros(DataType.DOUBLE, c),
                Nd4j.ones(DataType.DOUBLE, c), MOMENTUM, EPS, new BatchNorm.Cache());
        BatchNorm.Cache cache = new BatchNorm.Cache();
        BatchNorm.forwardTrain(x, gamma, beta, Nd4j.zeros(DataType.DOUBLE, c), Nd4j.ones(DataType.DOUBLE, c),
                MOMENTUM, EPS, cache);
        INDArray dGamma = Nd4j.zeros(DataType.DOUBLE, c);
        INDArray dBeta = Nd4j.zeros(DataType.DOUBLE, c);

        INDArray dx = BatchNorm.backward(r, gamma, cache, dGamma, dBeta);

        Supplier<Double> loss = () -> weightedSum(forward.get(), r);
        assertGradient("dx", dx, numeric(loss, x));
        assertGradient("dGamma", dGamma, numeric(loss, gamma));
        assertGradient("dBeta", dBeta, numeric(loss, beta));
    }

    @Test
    void backwardAccumulatesParameterGradients() {
        long[] shape = {4, 3, 2, 2};
        INDArray x = input(18, shape);
        INDArray gamma = randn(19, 3);
        INDArray dy = randn(20, shape);
        BatchNorm.Cache cache = new BatchNorm.Cache();
        BatchNorm.forwardTrain(x, gamma, randn(21, 3), Nd4j.zeros(DataType.DOUBLE, 3), Nd4j.ones(DataType.DOUBLE, 3),
                MOMENTUM, EPS, cache);
        INDArray dGamma = Nd4j.zeros(DataType.DOUBLE, 3);
        INDArray dBeta = Nd4j.zeros(DataType.DOUBLE, 3);
        BatchNorm.backward(dy, gamma, cache, dGamma, dBeta);
        INDArray dGammaOnce = dGamma.dup();
        INDArray dBetaOnce = dBeta.dup();

        BatchNorm.backward(dy, gamma, cache, dGamma, dBeta);

        assertClose("dGamma after two calls", dGammaOnce.mul(2), dGamma, 1e-12);
        assertClose("dBeta after two calls", dBetaOnce.mul(2), dBeta, 1e-12);
    }

    /** Values near a diverging run's (1e20): their squares overflow float, the statistics must not. */
    @Test
    void floatStatisticsOfHugeValuesStayFinite() {
        long[] shape = {4, 3, 5, 5};
        INDArray x = toFloat(input(26, shape)).muli(1e20);
        INDArray ones = Nd4j.ones(DataType.FLOAT, 3);
        INDArray runningVar = Nd4j.ones(DataType.FLOAT, 3);
        INDArray y = BatchNorm.forwardTrain(x, ones, Nd4j.zeros(DataType.FLOAT, 3), Nd4j.zeros(DataType.FLOAT, 3),
                runningVar, MOMENTUM, EPS, new BatchNorm.Cache());
        assertThat(y.isInfinite().any()).isFalse();
        assertThat(y.isNaN().any()).isFalse();
        // Normalised: unit variance per channel, so no value beyond sqrt(M) = 10.
        assertThat(y.amaxNumber().doubleValue()).isAtMost(10.0);
        assertThat(y.amaxNumber().doubleValue()).isGreaterThan(0.5);
    }

    @Test
    void floatAgreesWithDouble() {
        long[] shape = {16, 8, 13, 13};
        INDArray x = input(22, shape);
        INDArray gamma = randn(23, 8);
        INDArray beta = randn(24, 8);
        INDArray dy = randn(25, shape);
        BatchNorm.Cache cache = new BatchNorm.Cache();
        BatchNorm.Cache cacheF = new BatchNorm.Cache();
        INDArray rm = Nd4j.zeros(DataType.DOUBLE, 8);
        INDArray rv = Nd4j.ones(DataType.DOUBLE, 8);
        INDArray rmF = toFloat(rm);
        INDArray rvF = toFloat(rv);
        INDArray dGF = Nd4j.zeros(DataType.FLOAT, 8);
        INDArray dBF = Nd4j.zeros(DataType.FLOAT, 8);

        INDArray y = BatchNorm.forwardTrain(x, gamma, beta, rm, rv, MOMENTUM, EPS, cache);
        INDArray yF = BatchNorm.forwardTrain(toFloat(x), toFloat(gamma), toFloat(beta), rmF, rvF, MOMENTUM, EPS, cacheF);
        INDArray dx = BatchNorm.backward(dy, gamma, cache, Nd4j.zeros(DataType.DOUBLE, 8), Nd4j.zeros(DataType.DOUBLE, 8));
        INDArray dxF = BatchNorm.backward(toFloat(dy), toFloat(gamma), cacheF, dGF, dBF);

        assertThat(yF.dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float y", y, yF, 1e-5);
        assertClose("float running var", rv, rvF, 1e-5);
        assertClose("float dx", dx, dxF, 1e-4);
        assertClose("float inference", BatchNorm.forwardInference(x, gamma, beta, rm, rv, EPS),
                BatchNorm.forwardInference(toFloat(x), toFloat(gamma), toFloat(beta), rmF, rvF, EPS), 1e-5);
    }

    @Test
    void rejectsBadArguments() {
        INDArray c3 = Nd4j.ones(DataType.DOUBLE, 3);
        assertThrows(IllegalArgumentException.class, () -> BatchNorm.forwardTrain(randn(1, 1, 3), c3, c3, c3.dup(),
                c3.dup(), MOMENTUM, EPS, new BatchNorm.Cache()));
        assertThrows(IllegalArgumentException.class, () -> BatchNorm.forwardTrain(randn(1, 4, 2), c3, c3, c3.dup(),
                c3.dup(), MOMENTUM, EPS, new BatchNorm.Cache()));
        assertThrows(IllegalArgumentException.class, () -> BatchNorm.forwardTrain(randn(1, 2, 4, 4), c3, c3,
                c3.dup(), c3.dup(), MOMENTUM, EPS, new BatchNorm.Cache()));
        assertThrows(IllegalArgumentException.class, () -> BatchNorm.forwardTrain(randn(1, 2, 3, 4, 4, 4), c3, c3,
                c3.dup(), c3.dup(), MOMENTUM, EPS, new BatchNorm.Cache()));
        assertThrows(IllegalStateException.class, () -> BatchNorm.backward(randn(1, 4, 3), c3, new BatchNorm.Cache(),
                c3.dup(), c3.dup()));
    }
}
