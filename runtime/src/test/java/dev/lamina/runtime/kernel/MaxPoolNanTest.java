package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling with NaN, infinities, signed zeros and ties against a transcription of PyTorch's CPU loop
 * ({@code cpu_max_pool} in {@code aten/src/ATen/native/cpu/MaxPoolKernel.cpp}): the maximum starts at
 * negative infinity and the index at the window's first cell, and a cell is taken when it is greater than
 * the maximum so far or is NaN. So a window with a NaN gives NaN and its gradient goes to its last NaN;
 * otherwise to the first maximum.
 */
class MaxPoolNanTest {
    /** n, c, h, w and a geometry: the fast 2x2 stride 2 path at sizes with and without vector tails, then the rest. */
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of(2, 3, 26, 26, PoolGeometry.window(2).stride(2).output(13, 13)),
                Arguments.of(2, 3, 11, 11, PoolGeometry.window(2).stride(2).output(5, 5)),
                Arguments.of(1, 2, 7, 6, PoolGeometry.window(2).stride(2).output(3, 3)),
                Arguments.of(3, 40, 4, 4, PoolGeometry.window(2).stride(2).output(2, 2)), // many blocks of planes
                Arguments.of(1, 2, 2, 34, PoolGeometry.window(2).stride(2).output(1, 17)),
                Arguments.of(1, 2, 7, 7, PoolGeometry.window(3).stride(2).output(3, 3)),
                Arguments.of(1, 2, 5, 6, PoolGeometry.window(2).stride(1).output(4, 5)), // overlapping
                Arguments.of(2, 1, 6, 7, PoolGeometry.window(2, 3).stride(2, 2).output(3, 3)),
                Arguments.of(1, 2, 4, 5, PoolGeometry.window(3).stride(1).padding(1, 1).output(4, 5)), // SAME
                Arguments.of(2, 2, 5, 5, PoolGeometry.window(2).stride(2).padding(0, 0).output(3, 3))); // SAME, padded below/right
    }

    /** PyTorch's index of each window's maximum, flat within its plane. */
    private static int[][] pytorchIndex(double[][] planes, int h, int w, PoolGeometry g) {
        int[][] index = new int[planes.length][g.outHeight() * g.outWidth()];
        for (int p = 0; p < planes.length; p++) {
            for (int i = 0; i < g.outHeight(); i++) {
                for (int j = 0; j < g.outWidth(); j++) {
                    int r0 = i * g.strideHeight() - g.padTop(), c0 = j * g.strideWidth() - g.padLeft();
                    int r1 = Math.min(r0 + g.windowHeight(), h), c1 = Math.min(c0 + g.windowWidth(), w);
                    r0 = Math.max(r0, 0);
                    c0 = Math.max(c0, 0);
                    int maxIndex = r0 * w + c0;
                    double maxVal = Double.NEGATIVE_INFINITY;
                    for (int r = r0; r < r1; r++) {
                        for (int c = c0; c < c1; c++) {
                            double val = planes[p][r * w + c];
                            if (val > maxVal || Double.isNaN(val)) {
                                maxVal = val;
                                maxIndex = r * w + c;
                            }
                        }
                    }
                    index[p][i * g.outWidth() + j] = maxIndex;
                }
            }
        }
        return index;
    }

    private static double[][] planes(INDArray a) {
        int n = (int) (a.size(0) * a.size(1));
        double[] flat = a.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double[][] planes = new double[n][];
        int size = flat.length / n;
        for (int p = 0; p < n; p++) {
            planes[p] = java.util.Arrays.copyOfRange(flat, p * size, (p + 1) * size);
        }
        return planes;
    }

    /**
     * Gaussian values with about 4% NaN, and planted windows (at the plane's top left, read by the first
     * window of every geometry here): two NaNs, ties of +0 and -0, negative infinity with NaN.
     */
    private static INDArray input(long seed, int n, int c, int h, int w) {
        Random random = new Random(seed);
        double[] v = new double[n * c * h * w];
        for (int i = 0; i < v.length; i++) {
            double u = random.nextDouble();
            v[i] = u < 0.04 ? Double.NaN : u < 0.08 ? 0.0 : u < 0.10 ? -0.0 : u < 0.11 ? Double.NEGATIVE_INFINITY
                    : random.nextGaussian();
        }
        int plane = h * w;
        // plane 0: NaN at (0, 0) and (1, 1): the last one takes the gradient
        v[0] = Double.NaN;
        v[w + 1] = Double.NaN;
        if (n * c > 1) {
            // plane 1: -0 before +0, then +0 in the second row: the first zero takes it
            v[plane] = -0.0;
            v[plane + 1] = 0.0;
            v[plane + w] = 0.0;
            v[plane + w + 1] = -1.0;
        }
        if (n * c > 2) {
            // plane 2: negative infinity everywhere in the window but a NaN at its end
            v[2 * plane] = Double.NEGATIVE_INFINITY;
            v[2 * plane + 1] = Double.NEGATIVE_INFINITY;
            v[2 * plane + w] = Double.NEGATIVE_INFINITY;
            v[2 * plane + w + 1] = Double.NaN;
        }
        return Nd4j.create(v, new long[] {n, c, h, w}, DataType.DOUBLE);
    }

    /** dy with a NaN and an infinity, which must reach one cell each. */
    private static INDArray upstream(long seed, long... shape) {
        INDArray dy = GradientCheck.randn(seed, shape);
        dy.putScalar(0, Double.NaN);
        dy.putScalar(dy.length() - 1, Double.POSITIVE_INFINITY);
        return dy;
    }

    /** Equal, NaN to NaN, and zero to zero of either sign (PyTorch keeps the first zero's sign, Math.max +0). */
    private static void assertSame(String name, double expected, double actual) {
        if (expected == 0) {
            assertWithMessage(name + " = " + actual).that(actual == 0).isTrue();
        } else if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertWithMessage(name).that(actual).isEqualTo(expected);
        } else {
            assertWithMessage(name).that(actual).isWithin(1e-6 * Math.max(1, Math.abs(expected))).of(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardAndBackwardFollowPytorch(int n, int c, int h, int w, PoolGeometry g) {
        INDArray xd = input(h * 31L + w, n, c, h, w);
        INDArray dyd = upstream(h + 7L * w, n, c, g.outHeight(), g.outWidth());
        double[][] x = planes(xd), dy = planes(dyd);
        int[][] index = pytorchIndex(x, h, w, g);
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray xt = xd.castTo(type), dyt = dyd.castTo(type);
            INDArray y = MaxPool2d.forward(xt, g);
            assertThat(y.dataType()).isEqualTo(type);
            double[][] yv = planes(y);
            double[][] dx = planes(MaxPool2d.backward(xt, y, dyt, g));
            double[][] dxRescan = planes(MaxPool2d.backward(xt, null, dyt, g));
            for (int p = 0; p < x.length; p++) {
                double[] expectedDx = new double[h * w];
                for (int k = 0; k < index[p].length; k++) {
                    assertSame(type + " y[" + p + "][" + k + "]", x[p][index[p][k]], yv[p][k]);
                    expectedDx[index[p][k]] += dy[p][k];
                }
                for (int k = 0; k < h * w; k++) {
                    assertSame(type + " dx[" + p + "][" + k + "]", expectedDx[k], dx[p][k]);
                    assertSame(type + " dx without y[" + p + "][" + k + "]", expectedDx[k], dxRescan[p][k]);
                }
            }
        }
    }

    /** The rule spelled out on two 2x2 windows, in both types and on both backward paths. */
    @Test
    void aNanWindowGivesNanAndRoutesToItsLastNan() {
        // window 1: NaN 1 / 2 NaN; window 2: 3 5 / 5 4 (tie: the first 5)
        double[] cells = {Double.NaN, 1, 3, 5, 2, Double.NaN, 5, 4};
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray x = Nd4j.create(cells, new long[] {1, 1, 2, 4}, DataType.DOUBLE).castTo(type);
            INDArray dy = Nd4j.create(new double[] {10, 20}, new long[] {1, 1, 1, 2}, DataType.DOUBLE).castTo(type);

            INDArray y = MaxPool2d.forward(x, 2, 2);

            assertThat(Double.isNaN(y.getDouble(0))).isTrue();
            assertThat(y.getDouble(1)).isEqualTo(5.0);
            double[] expected = {0, 0, 0, 20, 0, 10, 0, 0};
            assertThat(MaxPool2d.backward(x, y, dy, 2, 2).castTo(DataType.DOUBLE).data().asDouble())
                    .usingExactEquality().containsExactly(expected).inOrder();
            assertThat(MaxPool2d.backward(x, null, dy, 2, 2).castTo(DataType.DOUBLE).data().asDouble())
                    .usingExactEquality().containsExactly(expected).inOrder();
        }
    }

    /** A NaN or infinite dy is copied to its window's maximum, not multiplied into the other cells (NaN * 0). */
    @Test
    void aNanGradientStaysInItsWindowsMaximum() {
        double[] cells = {1, 2, 3, 4, 5, 6, 7, 8};
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray x = Nd4j.create(cells, new long[] {1, 1, 2, 4}, DataType.DOUBLE).castTo(type);
            INDArray dy = Nd4j.create(new double[] {Double.NaN, Double.NEGATIVE_INFINITY}, new long[] {1, 1, 1, 2},
                    DataType.DOUBLE).castTo(type);

            double[] dx = MaxPool2d.backward(x, MaxPool2d.forward(x, 2, 2), dy, 2, 2).castTo(DataType.DOUBLE).data()
                    .asDouble();

            assertThat(dx).usingExactEquality()
                    .containsExactly(0, 0, 0, 0, 0, Double.NaN, 0, Double.NEGATIVE_INFINITY).inOrder();
        }
    }

    @Test
    void maxPool1dPropagatesNanAsPytorch() {
        // windows of 3, stride 2: [1, NaN, 3] -> NaN at 1; [3, NaN, NaN] -> NaN at 4 (the last); [NaN, 0, 2] -> NaN at 4
        double[] cells = {1, Double.NaN, 3, Double.NaN, Double.NaN, 0, 2};
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray x = Nd4j.create(cells, new long[] {1, 1, 7}, DataType.DOUBLE).castTo(type);
            INDArray dy = Nd4j.create(new double[] {1, 10, 100}, new long[] {1, 1, 3}, DataType.DOUBLE).castTo(type);

            INDArray y = MaxPool1d.forward(x, 3, 2);

            for (int k = 0; k < 3; k++) {
                assertWithMessage(type + " y[" + k + "]").that(Double.isNaN(y.getDouble(k))).isTrue();
            }
            assertThat(MaxPool1d.backward(x, y, dy, 3, 2).castTo(DataType.DOUBLE).data().asDouble())
                    .usingExactEquality().containsExactly(0, 1, 0, 0, 110, 0, 0).inOrder();
        }
    }
}
