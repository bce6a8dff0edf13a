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
     * FLOAT backward (2x2 stride 2: located by comparing with y on the vector loops) on inputs full of
     * ties (a ReLU's zeros) must route each gradient where the DOUBLE loops do: to the first maximum.
     */
    @ParameterizedTest
    @MethodSource("windows")
    void maxBackwardInFloat_matchesDoubleWithTies(int n, int c, int h, int w, int size, int stride) {
        INDArray x = randn(10, n, c, h, w).subi(0.8);
        x = x.mul(x.gt(0).castTo(DataType.DOUBLE)); // about 80% zeros
        INDArray y = MaxPool2d.forward(x, size, stride);
        INDArray dy = randn(11, y.shape());
        INDArray xF = toFloat(x);

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

    /**
     * n, c, h, w, then a {@link PoolGeometry}'s window, stride, padding and output size: windows and
     * strides that differ per axis, and SAME padding as Keras computes it ({@code OH = ceil(H / SH)},
     * {@code padTop = max((OH - 1) * SH + KH - H, 0) / 2}).
     */
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of(2, 2, 7, 6, PoolGeometry.window(3, 1).stride(2, 1).output(3, 6)),
                Arguments.of(1, 2, 5, 8, PoolGeometry.window(1, 2).stride(1, 2).output(5, 4)),
                Arguments.of(2, 1, 6, 7, PoolGeometry.window(2, 3).stride(2, 2).output(3, 3)),
                // SAME, 2x2 stride 2 on 5x5: one padded row below and one padded column right
                Arguments.of(2, 2, 5, 5, PoolGeometry.window(2).stride(2).padding(0, 0).output(3, 3)),
                // SAME, 3x3 stride 1 on 4x5: one padded row/column on every side
                Arguments.of(1, 2, 4, 5, PoolGeometry.window(3).stride(1).padding(1, 1).output(4, 5)),
                // SAME, {3, 2} stride {2, 1} on 6x5: padded top 0 / bottom 1, left 0 / right 1
                Arguments.of(2, 1, 6, 5, PoolGeometry.window(3, 2).stride(2, 1).padding(0, 0).output(3, 5)),
                // SAME, 3x3 stride 2 on 7x7: padded 1 on every side
                Arguments.of(1, 1, 7, 7, PoolGeometry.window(3).stride(2).padding(1, 1).output(4, 4)),
                // SAME, 2x2 stride 2 on 1x3: a window taller than the input, padded below
                Arguments.of(2, 1, 1, 3, PoolGeometry.window(2).stride(2).padding(0, 0).output(1, 2)));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void geometry_maxForwardMatchesReference(int n, int c, int h, int w, PoolGeometry g) {
        INDArray x = randn(21, n, c, h, w).subi(3); // all negative: a padded zero would win
        assertClose("max pool", Reference.pool2d(x, g, true), MaxPool2d.forward(x, g), 0);
        assertClose("max pool in float", toFloat(Reference.pool2d(x, g, true)), MaxPool2d.forward(toFloat(x), g), 1e-6);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void geometry_avgForwardMatchesReference(int n, int c, int h, int w, PoolGeometry g) {
        INDArray x = randn(22, n, c, h, w).addi(3); // all positive: counting padded zeros would lower the mean
        assertClose("avg pool", Reference.pool2d(x, g, false), AvgPool2d.forward(x, g), 1e-12);
        assertClose("avg pool in float", toFloat(Reference.pool2d(x, g, false)), AvgPool2d.forward(toFloat(x), g),
                1e-5);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void geometry_maxBackwardMatchesFiniteDifferences(int n, int c, int h, int w, PoolGeometry g) {
        INDArray x = randn(23, n, c, h, w).subi(3);
        INDArray y = MaxPool2d.forward(x, g);
        INDArray r = randn(24, y.shape());

        INDArray dx = MaxPool2d.backward(x, y, r, g);

        assertGradient("max pool dx", dx, numeric(() -> weightedSum(MaxPool2d.forward(x, g), r), x));
        assertClose("max pool dx without y", dx, MaxPool2d.backward(x, null, r, g), 0);
        assertClose("max pool dx in float", dx, MaxPool2d.backward(toFloat(x), toFloat(y), toFloat(r), g), 1e-6);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void geometry_avgBackwardMatchesFiniteDifferences(int n, int c, int h, int w, PoolGeometry g) {
        INDArray x = randn(25, n, c, h, w);
        INDArray r = randn(26, n, c, g.outHeight(), g.outWidth());

        INDArray dx = AvgPool2d.backward(x, null, r, g);

        assertGradient("avg pool dx", dx, numeric(() -> weightedSum(AvgPool2d.forward(x, g), r), x));
        assertClose("avg pool dx in float", dx, AvgPool2d.backward(toFloat(x), null, toFloat(r), g), 1e-6);
    }

    /** A 2x2 window over a padded corner averages its one input cell; max pooling returns it though negative. */
    @Test
    void geometry_paddedCornerHoldsItsOnlyInputCell() {
        INDArray x = Nd4j.createFromArray(new double[] {-1, -2, -3, -4}).reshape(1, 1, 2, 2);
        PoolGeometry g = PoolGeometry.window(2).stride(2).padding(1, 1).output(2, 2);

        assertThat(AvgPool2d.forward(x, g).getDouble(0, 0, 0, 0)).isEqualTo(-1.0);
        assertThat(MaxPool2d.forward(x, g).getDouble(0, 0, 0, 0)).isEqualTo(-1.0);
        assertThat(AvgPool2d.forward(x, g).getDouble(0, 0, 1, 1)).isEqualTo(-4.0);
    }

    @Test
    void geometry_rejectsWindowsOffTheInput() {
        assertThrows(IllegalArgumentException.class, () -> PoolGeometry.window(2).padding(2, 0));
        assertThrows(IllegalArgumentException.class, () -> PoolGeometry.window(2, 0));
        assertThrows(IllegalArgumentException.class,
                () -> MaxPool2d.forward(randn(1, 1, 1, 4, 4), PoolGeometry.window(2).stride(2).output(3, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> AvgPool2d.forward(randn(1, 1, 1, 1, 4), PoolGeometry.window(2).stride(1).output(2, 3)));
    }

    @Test
    void rejectsWindowLargerThanInput() {
        assertThrows(IllegalArgumentException.class, () -> MaxPool2d.forward(randn(1, 1, 1, 3, 3), 4, 1));
        assertThrows(IllegalArgumentException.class, () -> AvgPool2d.forward(randn(1, 1, 1, 3, 3), 2, 0));
        assertThrows(IllegalArgumentException.class,
                () -> MaxPool2d.backward(randn(1, 1, 1, 4, 4), null, randn(2, 1, 1, 3, 3), 2, 2));
    }
}
