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
import org.nd4j.linalg.indexing.NDArrayIndex;

class Conv2dTest {
    /** n, c, h, w, f, k, stride, padTop, padLeft, outH, outW. */
    static Stream<Arguments> geometries() {
        return Stream.of(
                Arguments.of(2, 3, 7, 6, 4, 3, 1, 0, 0, 5, 4),  // valid, odd and non-square
                Arguments.of(3, 2, 7, 7, 3, 3, 2, 0, 0, 3, 3),  // stride 2
                Arguments.of(2, 2, 5, 6, 3, 3, 1, 1, 1, 5, 6),  // same padding
                Arguments.of(2, 3, 6, 5, 2, 3, 2, 0, 1, 3, 3),  // stride 2, TF-style asymmetric (bottom 1, right 1)
                Arguments.of(2, 1, 6, 6, 2, 2, 2, 1, 0, 3, 3),  // even kernel, pad top only, drops last column
                Arguments.of(1, 1, 9, 1, 2, 4, 1, 1, 1, 9, 1),  // SAME 4x4 on a 1-wide input: a kernel column lies wholly in the padding (found by the fuzzer)
                Arguments.of(1, 2, 4, 4, 3, 1, 1, 0, 0, 4, 4)); // 1x1 kernel
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardMatchesDirectConvolution(int n, int c, int h, int w, int f, int k, int stride, int padTop,
            int padLeft, int outH, int outW) {
        INDArray x = randn(1, n, c, h, w);
        INDArray wt = randn(2, f, c, k, k);
        INDArray b = randn(3, f);

        INDArray y = Conv2d.forward(x, wt, b, stride, padTop, padLeft, outH, outW);

        assertClose("conv forward", Reference.conv2d(x, wt, b, stride, padTop, padLeft, outH, outW), y, 1e-12);
        assertClose("conv forward without bias", Reference.conv2d(x, wt, null, stride, padTop, padLeft, outH, outW),
                Conv2d.forward(x, wt, null, stride, padTop, padLeft, outH, outW), 1e-12);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backwardMatchesFiniteDifferences(int n, int c, int h, int w, int f, int k, int stride, int padTop,
            int padLeft, int outH, int outW) {
        INDArray x = randn(4, n, c, h, w);
        INDArray wt = randn(5, f, c, k, k);
        INDArray b = randn(6, f);
        INDArray r = randn(7, n, f, outH, outW);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        INDArray db = Nd4j.zeros(DataType.DOUBLE, f);

        INDArray dx = Conv2d.backward(x, wt, r, dw, db, stride, padTop, padLeft, true);

        java.util.function.Supplier<Double> loss =
                () -> weightedSum(Conv2d.forward(x, wt, b, stride, padTop, padLeft, outH, outW), r);
        assertGradient("dx", dx, numeric(loss, x));
        assertGradient("dw", dw, numeric(loss, wt));
        assertGradient("db", db, numeric(loss, b));
    }

    /** n, c, h, w, f, kh, kw, sh, sw, padTop, padLeft, outH, outW: kernels and strides that differ per axis. */
    static Stream<Arguments> nonSquareGeometries() {
        return Stream.of(
                Arguments.of(2, 2, 7, 5, 3, 3, 1, 1, 1, 0, 0, 5, 5),  // {3, 1} kernel, valid
                Arguments.of(2, 3, 5, 8, 2, 1, 3, 1, 2, 0, 0, 5, 3),  // {1, 3} kernel, stride {1, 2}
                Arguments.of(1, 2, 9, 6, 2, 3, 1, 2, 1, 0, 0, 4, 6),  // {3, 1} kernel, stride {2, 1}
                Arguments.of(2, 2, 6, 7, 3, 3, 2, 2, 1, 1, 0, 3, 7),  // {3, 2}, stride {2, 1}, padded top 1 and right 1
                Arguments.of(1, 1, 5, 5, 2, 1, 4, 1, 3, 0, 1, 5, 2)); // {1, 4} SAME, stride {1, 3}
    }

    @ParameterizedTest
    @MethodSource("nonSquareGeometries")
    void nonSquare_forwardMatchesDirectConvolution(int n, int c, int h, int w, int f, int kh, int kw, int sh,
            int sw, int padTop, int padLeft, int outH, int outW) {
        INDArray x = randn(31, n, c, h, w);
        INDArray wt = randn(32, f, c, kh, kw);
        INDArray b = randn(33, f);
        Conv2d.Geometry g = Conv2d.Geometry.stride(sh, sw).padding(padTop, padLeft).output(outH, outW);

        assertClose("non-square conv forward", Reference.conv2d(x, wt, b, sh, sw, padTop, padLeft, outH, outW),
                Conv2d.forward(x, wt, b, g), 1e-12);
    }

    @ParameterizedTest
    @MethodSource("nonSquareGeometries")
    void nonSquare_backwardMatchesFiniteDifferences(int n, int c, int h, int w, int f, int kh, int kw, int sh,
            int sw, int padTop, int padLeft, int outH, int outW) {
        INDArray x = randn(34, n, c, h, w);
        INDArray wt = randn(35, f, c, kh, kw);
        INDArray b = randn(36, f);
        INDArray r = randn(37, n, f, outH, outW);
        Conv2d.Geometry g = Conv2d.Geometry.stride(sh, sw).padding(padTop, padLeft).output(outH, outW);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        INDArray db = Nd4j.zeros(DataType.DOUBLE, f);

        INDArray dx = Conv2d.backward(x, wt, r, dw, db, g, true);

        java.util.function.Supplier<Double> loss = () -> weightedSum(Conv2d.forward(x, wt, b, g), r);
        assertGradient("dx", dx, numeric(loss, x));
        assertGradient("dw", dw, numeric(loss, wt));
        assertGradient("db", db, numeric(loss, b));
    }

    /** With 8 input channels FLOAT runs on oneDNN where the natives have it; it must agree with DOUBLE. */
    @Test
    void nonSquare_floatAgreesWithDouble() {
        INDArray x = randn(38, 2, 8, 9, 7);
        INDArray wt = randn(39, 4, 8, 3, 1);
        INDArray b = randn(40, 4);
        INDArray dy = randn(41, 2, 4, 5, 7);
        Conv2d.Geometry g = Conv2d.Geometry.stride(2, 1).padding(1, 0).output(5, 7);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        INDArray dwF = Nd4j.zeros(DataType.FLOAT, wt.shape());

        assertClose("float forward", Conv2d.forward(x, wt, b, g), Conv2d.forward(toFloat(x), toFloat(wt), toFloat(b), g),
                1e-4);
        INDArray dx = Conv2d.backward(x, wt, dy, dw, null, g, true);
        INDArray dxF = Conv2d.backward(toFloat(x), toFloat(wt), toFloat(dy), dwF, null, g, true);
        assertClose("float dx", dx, dxF, 1e-4);
        assertClose("float dw", dw, dwF, 1e-4);
    }

    @Test
    void backwardAccumulatesAndCanSkipInputGradient() {
        INDArray x = randn(8, 2, 3, 6, 6);
        INDArray wt = randn(9, 4, 3, 3, 3);
        INDArray dy = randn(10, 2, 4, 4, 4);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        INDArray db = Nd4j.zeros(DataType.DOUBLE, 4);
        Conv2d.backward(x, wt, dy, dw, db, 1, 0, 0, true);
        INDArray dwOnce = dw.dup();
        INDArray dbOnce = db.dup();

        INDArray dx = Conv2d.backward(x, wt, dy, dw, db, 1, 0, 0, false);

        assertThat(dx).isNull();
        assertClose("dw after two calls", dwOnce.mul(2), dw, 1e-12);
        assertClose("db after two calls", dbOnce.mul(2), db, 1e-12);
        // no bias gradient asked for: dw still accumulates
        Conv2d.backward(x, wt, dy, dw, null, 1, 0, 0, false);
        assertClose("dw after three calls", dwOnce.mul(3), dw, 1e-12);
    }

    @Test
    void accumulatesIntoViewsOfOneFlatParameterBuffer() {
        INDArray x = randn(23, 2, 3, 6, 6);
        INDArray wt = randn(24, 4, 3, 3, 3);
        INDArray dy = randn(25, 2, 4, 4, 4);
        INDArray dwExpected = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        INDArray dbExpected = Nd4j.zeros(DataType.DOUBLE, 4);
        Conv2d.backward(x, wt, dy, dwExpected, dbExpected, 1, 0, 0, false);
        // as a ParameterSet would lay them out: [padding | dw | db] in one buffer
        INDArray flat = Nd4j.zeros(DataType.DOUBLE, 5 + 108 + 4);
        INDArray dw = flat.get(NDArrayIndex.interval(5, 113)).reshape(4, 3, 3, 3);
        INDArray db = flat.get(NDArrayIndex.interval(113, 117));

        Conv2d.backward(x, wt, dy, dw, db, 1, 0, 0, false);
        Conv2d.backward(x, wt, dy, dw, null, 1, 0, 0, false);

        assertClose("dw view", dwExpected.mul(2), flat.get(NDArrayIndex.interval(5, 113)).reshape(4, 3, 3, 3), 1e-12);
        assertClose("db view", dbExpected, flat.get(NDArrayIndex.interval(113, 117)), 1e-12);
        assertThat(flat.get(NDArrayIndex.interval(0, 5)).sumNumber().doubleValue()).isEqualTo(0.0);
    }

    @Test
    void floatAgreesWithDouble() {
        INDArray x = randn(11, 3, 3, 9, 8);
        INDArray wt = randn(12, 5, 3, 3, 3);
        INDArray b = randn(13, 5);
        INDArray dy = randn(14, 3, 5, 4, 4);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        INDArray db = Nd4j.zeros(DataType.DOUBLE, 5);
        INDArray dwF = Nd4j.zeros(DataType.FLOAT, wt.shape());
        INDArray dbF = Nd4j.zeros(DataType.FLOAT, 5);

        INDArray y = Conv2d.forward(x, wt, b, 2, 1, 0, 4, 4);
        INDArray yF = Conv2d.forward(toFloat(x), toFloat(wt), toFloat(b), 2, 1, 0, 4, 4);
        INDArray dx = Conv2d.backward(x, wt, dy, dw, db, 2, 1, 0, true);
        INDArray dxF = Conv2d.backward(toFloat(x), toFloat(wt), toFloat(dy), dwF, dbF, 2, 1, 0, true);

        assertThat(yF.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(dxF.dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float y", y, yF, 1e-5);
        assertClose("float dx", dx, dxF, 1e-5);
        assertClose("float dw", dw, dwF, 1e-5);
        assertClose("float db", db, dbF, 1e-5);
    }

    /** n, c, h, w, f, k, stride, padTop, padLeft, outH, outW, all with at least 8 input channels. */
    static Stream<Arguments> oneDnnGeometries() {
        return Stream.of(
                Arguments.of(3, 8, 9, 8, 5, 3, 1, 0, 0, 7, 6),    // VALID, non-square
                Arguments.of(2, 9, 9, 9, 4, 3, 2, 0, 0, 4, 4),    // VALID, stride 2
                Arguments.of(2, 8, 6, 7, 3, 3, 1, 1, 1, 6, 7),    // SAME
                Arguments.of(2, 8, 6, 5, 3, 3, 2, 0, 1, 3, 3),    // SAME stride 2: TF's extra row and column at the end
                Arguments.of(2, 8, 6, 6, 3, 2, 1, 0, 0, 6, 6));   // SAME even kernel: pad bottom and right only
    }

    /**
     * On the oneDNN natives, FLOAT convolutions with enough channels run on libnd4j's conv2d ops; they
     * must compute what the im2col path computes in DOUBLE (the reference, checked above against a
     * direct convolution and finite differences), accumulate into dw and db, and leave the inputs alone.
     */
    @ParameterizedTest
    @MethodSource("oneDnnGeometries")
    void oneDnnOpsAgreeWithIm2colInDouble(int n, int c, int h, int w, int f, int k, int stride, int padTop,
            int padLeft, int outH, int outW) {
        Im2col.Geometry g = new Im2col.Geometry(n, c, h, w, k, k, stride, stride, padTop, padLeft, outH, outW);
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.lamina.runtime.Natives.oneDnn(), "needs the oneDNN natives");
        assertThat(Conv2d.onOneDnn(g, DataType.FLOAT)).isTrue();
        assertThat(Conv2d.onOneDnn(g, DataType.DOUBLE)).isFalse();
        INDArray x = randn(21, n, c, h, w);
        INDArray wt = randn(22, f, c, k, k);
        INDArray b = randn(23, f);
        INDArray dy = randn(24, n, f, outH, outW);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        INDArray db = Nd4j.zeros(DataType.DOUBLE, f);
        INDArray y = Conv2d.forward(x, wt, b, stride, padTop, padLeft, outH, outW);
        INDArray dx = Conv2d.backward(x, wt, dy, dw, db, stride, padTop, padLeft, true);

        INDArray xF = toFloat(x), wF = toFloat(wt), bF = toFloat(b), dyF = toFloat(dy);
        INDArray xCopy = xF.dup(), wCopy = wF.dup();
        // Gradients accumulate: start from 1 and subtract it again.
        INDArray dwF = Nd4j.ones(DataType.FLOAT, wt.shape());
        INDArray dbF = Nd4j.ones(DataType.FLOAT, f);
        INDArray yF = Conv2d.forward(xF, wF, bF, stride, padTop, padLeft, outH, outW);
        INDArray yNoBiasF = Conv2d.forward(xF, wF, null, stride, padTop, padLeft, outH, outW);
        INDArray dxF = Conv2d.backward(xF, wF, dyF, dwF, dbF, stride, padTop, padLeft, true);

        assertClose("oneDNN y", y, yF, 1e-5);
        assertClose("oneDNN y without bias", y.sub(b.reshape(1, f, 1, 1)), yNoBiasF, 1e-5);
        // A bias that is a strided view (a column of a matrix) must reach the op as its values.
        INDArray biasHolder = Nd4j.zeros(DataType.FLOAT, f, 2);
        biasHolder.getColumn(1).assign(bF);
        assertClose("oneDNN y, strided bias", y,
                Conv2d.forward(xF, wF, biasHolder.getColumn(1), stride, padTop, padLeft, outH, outW), 1e-5);
        assertClose("oneDNN dx", dx, dxF, 1e-5);
        assertClose("oneDNN dw", dw, dwF.sub(1f), 1e-5);
        assertClose("oneDNN db", db, dbF.sub(1f), 1e-5);
        assertThat(xF).isEqualTo(xCopy);
        assertThat(wF).isEqualTo(wCopy);
    }

    @Test
    void oneDnnOps_notForFewChannelsOrPaddingTheyCannotExpress() {
        // One input channel (conv1 of the seed network): im2col and gemm measured faster.
        assertThat(Conv2d.onOneDnn(new Im2col.Geometry(2, 1, 28, 28, 3, 3, 1, 1, 0, 0, 26, 26), DataType.FLOAT)).isFalse();
        // Top padding only, VALID-sized output: neither VALID nor SAME.
        assertThat(Conv2d.onOneDnn(new Im2col.Geometry(2, 8, 6, 6, 2, 2, 2, 2, 1, 0, 3, 3), DataType.FLOAT)).isFalse();
        // Strict VALID output that drops a trailing row: (7 - 3) / 2 + 1 = 3 rows.
        assertThat(Conv2d.onOneDnn(new Im2col.Geometry(2, 8, 7, 7, 3, 3, 2, 2, 0, 0, 3, 3), DataType.FLOAT))
                .isEqualTo(dev.lamina.runtime.Natives.oneDnn());
    }

    @Test
    void acceptsViewsAndNonContiguousInputs() {
        INDArray batch = randn(15, 4, 2, 6, 6);
        INDArray x = batch.get(NDArrayIndex.interval(1, 3));          // offset view, dense
        INDArray xT = randn(16, 2, 2, 6, 6).permute(0, 1, 3, 2);       // strided view
        INDArray wt = randn(17, 3, 2, 3, 3);
        INDArray dy = randn(18, 2, 3, 4, 4);

        assertClose("offset view", Reference.conv2d(x.dup(), wt, null, 1, 0, 0, 4, 4),
                Conv2d.forward(x, wt, null, 1, 0, 0, 4, 4), 1e-12);
        assertClose("permuted view", Reference.conv2d(xT.dup('c'), wt, null, 1, 0, 0, 4, 4),
                Conv2d.forward(xT, wt, null, 1, 0, 0, 4, 4), 1e-12);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        INDArray dwDense = Nd4j.zeros(DataType.DOUBLE, wt.shape());
        Conv2d.backward(x, wt, dy.permute(0, 1, 3, 2).dup().permute(0, 1, 3, 2), dw, null, 1, 0, 0, false);
        Conv2d.backward(x.dup(), wt, dy, dwDense, null, 1, 0, 0, false);
        assertClose("dw from views", dwDense, dw, 1e-12);
    }

    @Test
    void rejectsMismatchedArguments() {
        INDArray x = randn(19, 2, 3, 6, 6);
        INDArray wt = randn(20, 4, 3, 3, 3);
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(x, randn(21, 4, 2, 3, 3), null, 1, 0, 0, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, wt, null, 1, 0, 0, 7, 4));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, wt, null, 0, 0, 0, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, toFloat(wt), null, 1, 0, 0, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, wt, randn(22, 3), 1, 0, 0, 4, 4));
    }
}
