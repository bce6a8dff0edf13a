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

class LayerNormTest {
    private static final double EPS = 1e-5;

    /** [N, D] and [N, T, D] inputs. */
    static Stream<long[]> shapes() {
        return Stream.of(new long[] {4, 6}, new long[] {2, 3, 5});
    }

    /** Rows with different means and spreads. */
    private static INDArray input(long seed, long[] shape) {
        INDArray x = randn(seed, shape);
        INDArray rows = x.reshape(x.length() / shape[shape.length - 1], shape[shape.length - 1]);
        for (int r = 0; r < rows.size(0); r++) {
            rows.getRow(r).muli(0.5 + r % 3).addi(r - 2);
        }
        return x;
    }

    /** nn.LayerNorm written out: per row, mean and biased variance by hand. */
    private static INDArray reference(INDArray x, INDArray gamma, INDArray beta, double eps) {
        long d = x.size(x.rank() - 1);
        INDArray rows = x.dup().reshape(x.length() / d, d);
        INDArray out = Nd4j.zeros(DataType.DOUBLE, rows.shape());
        for (int r = 0; r < rows.size(0); r++) {
            double mean = 0;
            for (int i = 0; i < d; i++) {
                mean += rows.getDouble(r, i);
            }
            mean /= d;
            double var = 0;
            for (int i = 0; i < d; i++) {
                var += (rows.getDouble(r, i) - mean) * (rows.getDouble(r, i) - mean);
            }
            var /= d;
            for (int i = 0; i < d; i++) {
                out.putScalar(r, i, (rows.getDouble(r, i) - mean) / Math.sqrt(var + eps) * gamma.getDouble(i)
                        + beta.getDouble(i));
            }
        }
        return out.reshape(x.shape());
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void forwardEqualsTheReference(long[] shape) {
        INDArray x = input(1, shape);
        long d = shape[shape.length - 1];
        INDArray gamma = randn(2, d);
        INDArray beta = randn(3, d);
        LayerNorm.Cache cache = new LayerNorm.Cache();

        INDArray y = LayerNorm.forward(x, gamma, beta, EPS, cache);

        assertClose("y", reference(x, gamma, beta, EPS), y, 1e-12);
        INDArray ones = Nd4j.ones(DataType.DOUBLE, d);
        assertClose("cache.xHat", reference(x, ones, ones.mul(0), EPS), cache.xHat, 1e-12);
        long[] rowsShape = java.util.Arrays.copyOf(shape, shape.length - 1);
        assertThat(cache.invStd.shape()).isEqualTo(rowsShape);
        assertClose("inference without a cache", y, LayerNorm.forward(x, gamma, beta, EPS, null), 0);
    }

    @Test
    void epsSitsInsideTheSquareRoot() {
        // A constant row has variance 0: xHat = 0 and invStd = 1/sqrt(eps).
        INDArray x = Nd4j.create(new double[][] {{3, 3, 3}, {1, 2, 3}});
        INDArray ones = Nd4j.ones(DataType.DOUBLE, 3);
        LayerNorm.Cache cache = new LayerNorm.Cache();
        INDArray y = LayerNorm.forward(x, ones, ones.mul(0), 0.5, cache);
        assertClose("invStd", Nd4j.create(new double[] {1 / Math.sqrt(0.5), 1 / Math.sqrt(2.0 / 3 + 0.5)}),
                cache.invStd, 1e-15);
        assertThat(y.getDouble(0, 1)).isEqualTo(0.0);
        assertThat(y.getDouble(1, 2)).isWithin(1e-15).of(1 / Math.sqrt(2.0 / 3 + 0.5));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void backwardMatchesFiniteDifferences(long[] shape) {
        INDArray x = input(4, shape);
        long d = shape[shape.length - 1];
        INDArray gamma = randn(5, d);
        INDArray beta = randn(6, d);
        INDArray r = randn(7, shape);
        LayerNorm.Cache cache = new LayerNorm.Cache();
        LayerNorm.forward(x, gamma, beta, EPS, cache);
        INDArray dGamma = Nd4j.zeros(DataType.DOUBLE, d);
        INDArray dBeta = Nd4j.zeros(DataType.DOUBLE, d);

        INDArray dx = LayerNorm.backward(r, gamma, cache, dGamma, dBeta);

        Supplier<Double> loss = () -> weightedSum(LayerNorm.forward(x, gamma, beta, EPS, null), r);
        assertGradient("dx", dx, numeric(loss, x));
        assertGradient("dGamma", dGamma, numeric(loss, gamma));
        assertGradient("dBeta", dBeta, numeric(loss, beta));
    }

    @Test
    void backwardAccumulatesParameterGradients() {
        long[] shape = {3, 4, 5};
        INDArray x = input(8, shape);
        INDArray gamma = randn(9, 5);
        INDArray dy = randn(10, shape);
        LayerNorm.Cache cache = new LayerNorm.Cache();
        LayerNorm.forward(x, gamma, randn(11, 5), EPS, cache);
        INDArray dGamma = Nd4j.zeros(DataType.DOUBLE, 5);
        INDArray dBeta = Nd4j.zeros(DataType.DOUBLE, 5);
        LayerNorm.backward(dy, gamma, cache, dGamma, dBeta);
        INDArray once = dGamma.dup();
        INDArray betaOnce = dBeta.dup();

        LayerNorm.backward(dy, gamma, cache, dGamma, dBeta);

        assertClose("dGamma after two calls", once.mul(2), dGamma, 1e-12);
        assertClose("dBeta after two calls", betaOnce.mul(2), dBeta, 1e-12);
    }

    @Test
    void floatAgreesWithDoubleAndStridedInputsWork() {
        // Large enough that the rows split across threads.
        long[] shape = {16, 32, 96};
        INDArray x = input(12, shape);
        INDArray gamma = randn(13, 96);
        INDArray beta = randn(14, 96);
        INDArray dy = randn(15, shape);
        LayerNorm.Cache cache = new LayerNorm.Cache();
        LayerNorm.Cache cacheF = new LayerNorm.Cache();
        INDArray dGF = Nd4j.zeros(DataType.FLOAT, 96);
        INDArray dBF = Nd4j.zeros(DataType.FLOAT, 96);
        INDArray dG = Nd4j.zeros(DataType.DOUBLE, 96);
        INDArray dB = Nd4j.zeros(DataType.DOUBLE, 96);

        INDArray y = LayerNorm.forward(x, gamma, beta, EPS, cache);
        INDArray yF = LayerNorm.forward(toFloat(x), toFloat(gamma), toFloat(beta), EPS, cacheF);
        INDArray dx = LayerNorm.backward(dy, gamma, cache, dG, dB);
        INDArray dxF = LayerNorm.backward(toFloat(dy), toFloat(gamma), cacheF, dGF, dBF);

        assertThat(yF.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(dxF.dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float y", y, yF, 1e-5);
        assertClose("float dx", dx, dxF, 1e-4);
        assertClose("float dGamma", dG, dGF, 1e-4);
        assertClose("float dBeta", dB, dBF, 1e-4);
        // A permuted view normalises like its dense copy.
        INDArray view = input(16, new long[] {2, 5, 3}).permute(0, 2, 1);
        assertClose("view", LayerNorm.forward(view.dup('c'), randn(17, 5), randn(18, 5), EPS, null),
                LayerNorm.forward(view, randn(17, 5), randn(18, 5), EPS, null), 1e-14);
    }

    @Test
    void rejectsBadArguments() {
        INDArray d3 = Nd4j.ones(DataType.DOUBLE, 3);
        assertThrows(IllegalArgumentException.class, () -> LayerNorm.forward(randn(1, 3), d3, d3, EPS, null));
        assertThrows(IllegalArgumentException.class, () -> LayerNorm.forward(randn(1, 2, 2, 2, 3), d3, d3, EPS, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerNorm.forward(randn(1, 2, 4), d3, d3, EPS, null));
        assertThat(e).hasMessageThat().contains("[4]");
        assertThrows(IllegalArgumentException.class,
                () -> LayerNorm.forward(randn(1, 2, 3), d3, toFloat(d3), EPS, null));
        assertThrows(IllegalArgumentException.class, () -> LayerNorm.forward(randn(1, 2, 3), d3, d3, 0.0, null));
        assertThrows(IllegalArgumentException.class,
                () -> LayerNorm.forward(Nd4j.zeros(DataType.INT32, 2, 3), d3, d3, EPS, null));
        assertThrows(IllegalStateException.class,
                () -> LayerNorm.backward(randn(1, 2, 3), d3, new LayerNorm.Cache(), d3.dup(), d3.dup()));
        LayerNorm.Cache cache = new LayerNorm.Cache();
        LayerNorm.forward(randn(2, 2, 3), d3, d3, EPS, cache);
        assertThrows(IllegalArgumentException.class,
                () -> LayerNorm.backward(randn(1, 3, 3), d3, cache, d3.dup(), d3.dup()));
        assertThrows(IllegalArgumentException.class,
                () -> LayerNorm.backward(randn(1, 2, 3), d3, cache, Nd4j.zeros(DataType.DOUBLE, 4), d3.dup()));
    }
}
