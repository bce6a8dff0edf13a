package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** MaxPool2d and AvgPool2d against direct loops and finite differences. */
class PoolingTest {
    /** n, c, h, w, size, stride. */
    static Stream<Arguments> windows() {
        return Stream.of(
                Arguments.of(2, 2, 6, 6, 2, 2),  // the seed network's case
                Arguments.of(1, 2, 7, 5, 2, 2),  // odd sizes: last row/column dropped
                Arguments.of(2, 2, 7, 7, 3, 2),  // overlapping windows, stride < size
                Arguments.of(1, 2, 5, 6, 2, 1),  // stride 1
                Arguments.of(2, 1, 7, 8, 2, 3)); // stride > size: gaps
    }

    @ParameterizedTest
    @MethodSource("windows")
    void maxForwardMatchesDirectLoops(int n, int c, int h, int w, int size, int stride) {
        INDArray x = randn(1, n, c, h, w);
        assertClose("max pool", Reference.pool2d(x, size, stride, true), MaxPool2d.forward(x, size, stride), 0);
    }

    @ParameterizedTest
    @MethodSource("windows")
    void avgForwardMatchesDirectLoops(int n, int c, int h, int w, int size, int stride) {
        INDArray x = randn(2, n, c, h, w);
        assertClose("avg pool", Reference.pool2d(x, size, stride, false), AvgPool2d.forward(x, size, stride), 1e-12);
    }

    @ParameterizedTest
    @MethodSource("windows")
    void maxBackwardMatchesFiniteDifferences(int n, int c, int h, int w, int size, int stride) {
        INDArray x = randn(3, n, c, h, w);
        INDArray y = MaxPool2d.forward(x, size, stride);
        INDArray r = randn(4, y.shape());

        INDArray dx = MaxPool2d.backward(x, y, r, size, stride);

        assertGradient("max pool dx", dx, numeric(() -> weightedSum(MaxPool2d.forward(x, size, stride), r), x));
    }

    @ParameterizedTest
    @MethodSource("windows")
    void maxBackwardRescansWhenYIsNotGiven(int n, int c, int h, int w, int size, int stride) {
        INDArray x = randn(10, n, c, h, w);
        INDArray y = MaxPool2d.forward(x, size, stride);
        INDArray dy = randn(11, y.shape());

        assertClose("max pool dx without y", MaxPool2d.backward(x, y, dy, size, stride),
                MaxPool2d.backward(x, null, dy, size, stride), 0);
    }

    @ParameterizedTest
    @MethodSource("windows")
    void avgBackwardMatchesFiniteDifferences(int n, int c, int h, int w, int size, int stride) {
        INDArray x = randn(5, n, c, h, w);
        INDArray y = AvgPool2d.forward(x, size, stride);
        INDArray r = randn(6, y.shape());

        INDArray dx = AvgPool2d.backward(x, y, r, size, stride);

        assertGradient("avg pool dx", dx, numeric(() -> weightedSum(AvgPool2d.forward(x, size, stride), r), x));
    }

    @Test
    void maxBackwardSendsTiesToTheFirstMaximum() {
        // two 2x2 windows: all zeros, and zeros with one -1 (as after dropout)
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 1, 2, 4);
        x.putScalar(new long[] {0, 0, 1, 3}, -1.0);
        INDArray dy = Nd4j.create(new double[] {1.0, 2.0}, new long[] {1, 1, 1, 2});

        INDArray dx = MaxPool2d.backward(x, MaxPool2d.forward(x, 2, 2), dy, 2, 2);

        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 1, 1, 2, 4);
        expected.putScalar(new long[] {0, 0, 0, 0}, 1.0);
        expected.putScalar(new long[] {0, 0, 0, 2}, 2.0);
        assertClose("ties", expected, dx, 0);
        assertClose("ties, float", expected, MaxPool2d.backward(toFloat(x), null, toFloat(dy), 2, 2), 0);
    }

    /**
     * FLOAT backward on the oneDNN natives runs libnd4j's op; on inputs full of ties (a ReLU's zeros)
     * it must route each gradient where the Java loops in DOUBLE do: to the first maximum.
     */
    @ParameterizedTest
    @MethodSource("windows")
    void maxBackwardInFloat_matchesDoubleWithTies(int n, int c, int h, int w, int size, int stride) {
        INDArray x = randn(10, n, c, h, w).subi(0.8);
        x = x.mul(x.gt(0).castTo(DataType.DOUBLE)); // about 80% zeros
        INDArray y = MaxPool2d.forward(x, size, stride);
        INDArray dy = randn(11, y.shape());
        INDArray xF = toFloat(x);
        assertThat(Pooling.onOneDnn(xF)).isEqualTo(dev.lamina.runtime.Natives.oneDnn());

        assertClose("float dx with ties", MaxPool2d.backward(x, y, dy, size, stride),
                MaxPool2d.backward(xF, toFloat(y), toFloat(dy), size, stride), 1e-6);
    }

    @Test
    void floatAgreesWithDouble() {
        INDArray x = randn(7, 4, 8, 13, 13);
        INDArray y = MaxPool2d.forward(x, 2, 2);
        INDArray dy = randn(8, y.shape());
        INDArray xF = toFloat(x);

        assertClose("float max y", y, MaxPool2d.forward(xF, 2, 2), 1e-6);
        assertClose("float max dx", MaxPool2d.backward(x, y, dy, 2, 2),
                MaxPool2d.backward(xF, toFloat(y), toFloat(dy), 2, 2), 1e-6);
        assertClose("float avg y", AvgPool2d.forward(x, 3, 2), AvgPool2d.forward(xF, 3, 2), 1e-6);
        INDArray dyAvg = randn(9, 4, 8, 6, 6);
        assertClose("float avg dx", AvgPool2d.backward(x, null, dyAvg, 3, 2),
                AvgPool2d.backward(xF, null, toFloat(dyAvg), 3, 2), 1e-6);
    }

    @Test
    void rejectsWindowLargerThanInput() {
        assertThrows(IllegalArgumentException.class, () -> MaxPool2d.forward(randn(1, 1, 1, 3, 3), 4, 1));
        assertThrows(IllegalArgumentException.class, () -> AvgPool2d.forward(randn(1, 1, 1, 3, 3), 2, 0));
        assertThrows(IllegalArgumentException.class,
                () -> MaxPool2d.backward(randn(1, 1, 1, 4, 4), null, randn(2, 1, 1, 3, 3), 2, 2));
    }
}
