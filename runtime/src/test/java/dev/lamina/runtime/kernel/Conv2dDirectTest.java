package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Conv2d's direct path ({@link DirectConv2d}, FLOAT with few taps): against the im2col path in DOUBLE (itself
 * checked against a direct double convolution and finite differences in {@link Conv2dTest}), and scalar
 * loops against Vector API loops.
 */
class Conv2dDirectTest {
    /** n, c, h, w, f, kh, kw, sh, sw, padTop, padLeft, outH, outW: geometries the direct loops handle. */
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of(3, 1, 28, 28, 32, 3, 3, 1, 1, 0, 0, 26, 26), // the seed network's conv1, batch 3
                Arguments.of(2, 3, 9, 8, 5, 3, 3, 2, 2, 1, 0, 5, 4),      // RGB, stride 2, a padded row below
                Arguments.of(2, 2, 7, 40, 3, 3, 3, 1, 1, 1, 1, 7, 40),    // SAME, rows of several vectors
                Arguments.of(2, 1, 9, 9, 4, 5, 5, 1, 1, 2, 2, 9, 9),      // 5x5 SAME, 25 taps
                Arguments.of(2, 3, 9, 11, 3, 3, 3, 1, 3, 0, 1, 7, 4),     // stride {1, 3}, padded left and right
                Arguments.of(2, 2, 8, 7, 3, 2, 3, 3, 2, 1, 2, 3, 4),      // {2, 3} kernel, stride {3, 2}
                Arguments.of(2, 7, 5, 5, 3, 1, 1, 1, 1, 0, 0, 5, 5),      // 1x1, 7 channels
                Arguments.of(1, 1, 6, 6, 2, 2, 2, 2, 2, 0, 0, 3, 3),      // even kernel, stride 2
                Arguments.of(2, 1, 7, 7, 2, 3, 3, 2, 2, 0, 0, 2, 2),      // drops the last two rows and columns
                Arguments.of(1, 3, 3, 17, 2, 3, 3, 1, 1, 0, 0, 1, 15));   // one output row of a vector and a bit
    }

    private static Im2col.Geometry geometry(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int padTop,
            int padLeft, int outH, int outW) {
        return new Im2col.Geometry(n, c, h, w, kh, kw, sh, sw, padTop, padLeft, outH, outW);
    }

    private static FusedLoops vector() {
        return FusedLoops.vector().orElseThrow(() -> new AssertionError("the Vector API loops did not load"));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void floatDirectPath_agreesWithDoubleIm2col(int n, int c, int h, int w, int f, int kh, int kw, int sh, int sw,
            int padTop, int padLeft, int outH, int outW) {
        Im2col.Geometry geometry = geometry(n, c, h, w, kh, kw, sh, sw, padTop, padLeft, outH, outW);
        INDArray x = randn(1, n, c, h, w);
        INDArray wt = randn(2, f, c, kh, kw);
        INDArray b = randn(3, f);
        INDArray dy = randn(4, n, f, outH, outW);
        Conv2d.Geometry g = Conv2d.Geometry.stride(sh, sw).padding(padTop, padLeft).output(outH, outW);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        INDArray db = Nd4j.zeros(DataType.DOUBLE, f);
        INDArray y = Conv2d.forward(x, wt, b, g);
        INDArray dx = Conv2d.backward(x, wt, dy, dw, db, g, true);

        INDArray xF = toFloat(x), wF = toFloat(wt), dyF = toFloat(dy);
        INDArray dwF = Nd4j.zeros(DataType.FLOAT, wt.shape()), dbF = Nd4j.zeros(DataType.FLOAT, f);
        assertClose("direct y", y, DirectConv2d.forward(xF, wF, toFloat(b), geometry, FusedLoops.get()), 1e-5);
        assertClose("direct y without bias", y.sub(b.reshape(1, f, 1, 1)),
                DirectConv2d.forward(xF, wF, null, geometry, FusedLoops.get()), 1e-5);
        assertClose("Conv2d y", y, Conv2d.forward(xF, wF, toFloat(b), g), 1e-5);
        // Backward is im2col and gemm's whatever the forward path.
        INDArray dxF = Conv2d.backward(xF, wF, dyF, dwF, dbF, g, true);
        assertClose("dx", dx, dxF, 1e-5);
        assertClose("dw", dw, dwF, 1e-5);
        assertClose("db", db, dbF, 1e-5);
    }

    /** Scalar and Vector API loops: the same bits. */
    @ParameterizedTest
    @MethodSource("geometries")
    void vectorLoops_equalScalarLoops(int n, int c, int h, int w, int f, int kh, int kw, int sh, int sw, int padTop,
            int padLeft, int outH, int outW) {
        Im2col.Geometry g = geometry(n, c, h, w, kh, kw, sh, sw, padTop, padLeft, outH, outW);
        INDArray x = toFloat(randn(9, n, c, h, w));
        INDArray wt = toFloat(randn(10, f, c, kh, kw));
        INDArray b = toFloat(randn(11, f));

        INDArray ys = DirectConv2d.forward(x, wt, b, g, FusedLoops.scalar());
        INDArray yv = DirectConv2d.forward(x, wt, b, g, vector());
        assertArrayEquals(ys.ravel().toFloatVector(), yv.ravel().toFloatVector(), "y");
    }

    /** The loops one plane at a time, at lengths around the vector's: the excess lanes must not leak. */
    @Test
    void planeLoops_vectorEqualsScalar_atEveryRowLength() {
        java.util.Random random = new java.util.Random(13);
        for (int outW = 1; outW <= 2 * vector().convLanes() + 1; outW++) {
            Im2col.Geometry g = geometry(1, 2, 5, outW + 2, 3, 3, 1, 1, 0, 0, 3, outW);
            DirectConv2d.Layout layout = new DirectConv2d.Layout(g, vector().convLanes());
            float[] img = new float[2 * 5 * (outW + 2)];
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) random.nextGaussian();
            }
            float[] xs = new float[layout.size()];
            layout.stage(img, xs);
            float[] w = new float[18 + 3];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian();
            }
            float[] ys = new float[layout.planeLength], yv = new float[layout.planeLength];
            java.util.Arrays.fill(yv, Float.NaN);
            FusedLoops.scalar().convolvePlane(xs, layout.taps, 18, layout.rowStep, w, 3, 0.5f, 3, outW, ys);
            vector().convolvePlane(xs, layout.taps, 18, layout.rowStep, w, 3, 0.5f, 3, outW, yv);
            assertArrayEquals(java.util.Arrays.copyOf(ys, 3 * outW), java.util.Arrays.copyOf(yv, 3 * outW),
                    "plane of width " + outW);
        }
    }

    /** Input no window reads (the rows and columns VALID padding drops) never reaches the results. */
    @Test
    void valuesNoWindowReads_doNotReachTheResults() {
        INDArray x = randn(14, 2, 1, 7, 7);
        INDArray wt = randn(15, 2, 1, 3, 3);
        Conv2d.Geometry g = Conv2d.Geometry.stride(2).output(2, 2);
        INDArray y = Conv2d.forward(x, wt, null, g);
        // Windows read rows and columns 0..4; 5 and 6 are dropped.
        INDArray xF = toFloat(x);
        xF.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(5, 7), NDArrayIndex.all())
                .assign(Float.POSITIVE_INFINITY);
        xF.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(5, 7))
                .assign(Float.NaN);
        for (FusedLoops loops : new FusedLoops[] {FusedLoops.scalar(), vector()}) {
            assertClose("y, " + loops.description(), y, DirectConv2d.forward(xF, toFloat(wt), null,
                    geometry(2, 1, 7, 7, 3, 3, 2, 2, 0, 0, 2, 2), loops), 1e-5);
        }
    }

    @Test
    void choosesTheDirectPathForFewTapsOnlyAndObeysTheSwitch() {
        Im2col.Geometry conv1 = geometry(128, 1, 28, 28, 3, 3, 1, 1, 0, 0, 26, 26);
        assertThat(DirectConv2d.applies(conv1, 32, DataType.FLOAT)).isTrue();
        assertThat(DirectConv2d.applies(conv1, 32, DataType.DOUBLE)).isFalse();
        assertThat(DirectConv2d.applies(geometry(2, 1, 9, 9, 2, 2, 1, 1, 0, 0, 8, 8), 4, DataType.FLOAT)).isTrue();
        // RGB 3x3 (27 taps, measured slower direct), 4 channels of 3x3 (36 taps), and 8 channels of 1x1
        // (oneDNN's) stay off it.
        assertThat(DirectConv2d.applies(geometry(2, 3, 9, 9, 3, 3, 1, 1, 0, 0, 7, 7), 4, DataType.FLOAT)).isFalse();
        // A stride so large that the staged layout would not fit in an int (found by the processor's fuzzing).
        assertThat(DirectConv2d.applies(geometry(1, 2, 7, 3, 2, 2, Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 0, 1, 1),
                1, DataType.FLOAT)).isFalse();
        INDArray wide = toFloat(randn(22, 1, 2, 7, 3)), kernel = toFloat(randn(23, 1, 2, 2, 2));
        Conv2d.Geometry huge = Conv2d.Geometry.stride(Integer.MAX_VALUE).padding(0, 0).output(1, 1);
        assertClose("huge stride", Conv2d.forward(wide.castTo(DataType.DOUBLE), kernel.castTo(DataType.DOUBLE), null,
                huge), Conv2d.forward(wide, kernel, null, huge), 1e-6);
        assertThat(DirectConv2d.applies(geometry(2, 4, 9, 9, 3, 3, 1, 1, 0, 0, 7, 7), 4, DataType.FLOAT)).isFalse();
        assertThat(DirectConv2d.applies(geometry(2, 8, 9, 9, 1, 1, 1, 1, 0, 0, 9, 9), 4, DataType.FLOAT)).isFalse();
        String before = System.getProperty(DirectConv2d.SWITCH);
        try {
            System.setProperty(DirectConv2d.SWITCH, "false");
            assertThat(DirectConv2d.applies(conv1, 32, DataType.FLOAT)).isFalse();
            // The im2col path gives the same convolution.
            INDArray x = toFloat(randn(17, 2, 1, 10, 10)), wt = toFloat(randn(18, 4, 1, 3, 3));
            Conv2d.Geometry g = Conv2d.Geometry.stride(1).output(8, 8);
            INDArray im2col = Conv2d.forward(x, wt, null, g);
            System.setProperty(DirectConv2d.SWITCH, "true");
            assertClose("direct against im2col", im2col, Conv2d.forward(x, wt, null, g), 1e-6);
        } finally {
            if (before == null) {
                System.clearProperty(DirectConv2d.SWITCH);
            } else {
                System.setProperty(DirectConv2d.SWITCH, before);
            }
        }
    }

    @Test
    void backwardAccumulatesIntoViewsAndSkipsTheInputGradient() {
        INDArray x = toFloat(randn(19, 3, 2, 8, 8));
        INDArray wt = toFloat(randn(20, 4, 2, 3, 3));
        INDArray dy = toFloat(randn(21, 3, 4, 6, 6));
        Conv2d.Geometry g = Conv2d.Geometry.stride(1).output(6, 6);
        INDArray dwOnce = Nd4j.zeros(DataType.FLOAT, wt.shape()), dbOnce = Nd4j.zeros(DataType.FLOAT, 4);
        assertThat(Conv2d.backward(x, wt, dy, dwOnce, dbOnce, g, false)).isNull();
        // As a ParameterSet lays them out, [padding | dw | db], and the accumulators starting at 1.
        INDArray flat = Nd4j.ones(DataType.FLOAT, 5 + 72 + 4);
        INDArray dw = flat.get(NDArrayIndex.interval(5, 77)).reshape(4, 2, 3, 3);
        INDArray db = flat.get(NDArrayIndex.interval(77, 81));
        Conv2d.backward(x, wt, dy, dw, db, g, false);
        Conv2d.backward(x, wt, dy, dw, null, g, false);
        assertClose("dw view", dwOnce.mul(2).add(1), flat.get(NDArrayIndex.interval(5, 77)).reshape(4, 2, 3, 3), 1e-6);
        assertClose("db view", dbOnce.add(1), flat.get(NDArrayIndex.interval(77, 81)), 1e-6);
        assertThat(flat.get(NDArrayIndex.interval(0, 5)).sumNumber().doubleValue()).isEqualTo(5.0);
        // A db that is a strided view (a column of a matrix) takes the other route to the same sums.
        INDArray holder = Nd4j.zeros(DataType.FLOAT, 4, 2);
        Conv2d.backward(x, wt, dy, Nd4j.zeros(DataType.FLOAT, wt.shape()), holder.getColumn(1), g, false);
        assertClose("strided db", dbOnce, holder.getColumn(1), 1e-6);
        assertThat(holder.getColumn(0).sumNumber().doubleValue()).isEqualTo(0.0);
    }

    /** The seed network's first layer: FLOAT direct path against DOUBLE im2col at its shapes, batch 2. */
    @Test
    void seedNetworkConv1_floatAgreesWithDouble() {
        INDArray x = randn(32, 2, 1, 28, 28).muli(0.3).addi(0.1);
        INDArray wt = randn(33, 32, 1, 3, 3).muli(0.3);
        INDArray dy = randn(34, 2, 32, 26, 26).muli(1e-3);
        Conv2d.Geometry g = Conv2d.Geometry.stride(1).output(26, 26);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        Conv2d.backward(x, wt, dy, dw, null, g, false);
        INDArray dwF = Nd4j.zeros(DataType.FLOAT, wt.shape());
        Conv2d.backward(toFloat(x), toFloat(wt), toFloat(dy), dwF, null, g, false);
        assertClose("conv1 y", Conv2d.forward(x, wt, null, g), Conv2d.forward(toFloat(x), toFloat(wt), null, g), 1e-6);
        // dw ~ 1e-2: relative 1e-5 of it.
        assertClose("conv1 dw", dw.mul(100), dwF.mul(100), 1e-5);
    }
}
