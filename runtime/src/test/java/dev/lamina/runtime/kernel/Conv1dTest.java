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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class Conv1dTest {
    /** The definition, with loops: x read as 0 outside [0, L). */
    private static INDArray reference(INDArray x, INDArray w, INDArray b, int stride, int pad, int outLength) {
        int n = (int) x.size(0), c = (int) x.size(1), l = (int) x.size(2), f = (int) w.size(0), k = (int) w.size(2);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, f, outLength);
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < f; o++) {
                for (int t = 0; t < outLength; t++) {
                    double sum = b == null ? 0 : b.getDouble(o);
                    for (int ch = 0; ch < c; ch++) {
                        for (int j = 0; j < k; j++) {
                            int at = t * stride + j - pad;
                            if (at >= 0 && at < l) {
                                sum += w.getDouble(o, ch, j) * x.getDouble(e, ch, at);
                            }
                        }
                    }
                    y.putScalar(new int[] {e, o, t}, sum);
                }
            }
        }
        return y;
    }

    /** PyTorch's Conv1d output length for symmetric padding p. */
    private static int outLength(int l, int k, int stride, int p) {
        return (l + 2 * p - k) / stride + 1;
    }

    @ParameterizedTest(name = "L={0} K={1} stride={2} pad={3}")
    @CsvSource({"7,3,1,1", "7,3,2,0", "8,3,2,1", "5,5,1,2", "9,1,3,0"})
    void forwardEqualsTheDefinition(int l, int k, int stride, int pad) {
        INDArray x = randn(1, 2, 3, l);
        INDArray w = randn(2, 4, 3, k);
        INDArray b = randn(3, 4);
        int ol = outLength(l, k, stride, pad);

        INDArray y = Conv1d.forward(x, w, b, stride, pad, ol);

        assertThat(y.shape()).isEqualTo(new long[] {2, 4, ol});
        assertClose("conv1d", reference(x, w, b, stride, pad, ol), y, 1e-12);
        assertClose("no bias", reference(x, w, null, stride, pad, ol), Conv1d.forward(x, w, null, stride, pad, ol), 1e-12);
    }

    @ParameterizedTest(name = "stride={0} pad={1}")
    @CsvSource({"1,1", "2,1", "2,0"})
    void backwardMatchesFiniteDifferences(int stride, int pad) {
        INDArray x = randn(4, 2, 3, 8);
        INDArray w = randn(5, 4, 3, 3);
        INDArray b = randn(6, 4);
        int ol = outLength(8, 3, stride, pad);
        INDArray r = randn(7, 2, 4, ol);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, 4, 3, 3);
        INDArray db = Nd4j.zeros(DataType.DOUBLE, 4);

        INDArray dx = Conv1d.backward(x, w, r, dw, db, stride, pad, true);

        Supplier<Double> loss = () -> weightedSum(Conv1d.forward(x, w, b, stride, pad, ol), r);
        assertGradient("dx", dx, numeric(loss, x));
        assertGradient("dw", dw, numeric(loss, w));
        assertGradient("db", db, numeric(loss, b));
    }

    @Test
    void backwardAccumulatesIntoViewsAndCanSkipInputGradient() {
        INDArray x = randn(8, 2, 3, 6);
        INDArray w = randn(9, 4, 3, 3);
        INDArray dy = randn(10, 2, 4, 6);
        INDArray dwOnce = Nd4j.zeros(DataType.DOUBLE, 4, 3, 3);
        INDArray dbOnce = Nd4j.zeros(DataType.DOUBLE, 4);
        Conv1d.backward(x, w, dy, dwOnce, dbOnce, 1, 1, false);
        // accumulators as views of one flat parameter buffer, and a permuted (non-dense) dw
        INDArray flat = Nd4j.zeros(DataType.DOUBLE, 3 + 36 + 4);
        INDArray dw = flat.get(NDArrayIndex.interval(3, 39)).reshape(4, 3, 3);
        INDArray db = flat.get(NDArrayIndex.interval(39, 43));

        assertThat(Conv1d.backward(x, w, dy, dw, db, 1, 1, false)).isNull();
        Conv1d.backward(x, w, dy, dw, db, 1, 1, false);

        assertClose("dw twice", dwOnce.mul(2), flat.get(NDArrayIndex.interval(3, 39)).reshape(4, 3, 3), 1e-12);
        assertClose("db twice", dbOnce.mul(2), flat.get(NDArrayIndex.interval(39, 43)), 1e-12);
        INDArray dwT = Nd4j.zeros(DataType.DOUBLE, 3, 3, 4).permute(2, 0, 1);
        Conv1d.backward(x, w, dy, dwT, null, 1, 1, false);
        assertClose("dw into a permuted view", dwOnce, dwT, 1e-12);
    }

    @Test
    void floatAgreesWithDoubleAndStridedInputsWork() {
        INDArray x = randn(11, 16, 8, 50);
        INDArray w = randn(12, 16, 8, 5).muli(0.2);
        INDArray b = randn(13, 16);
        INDArray dy = randn(14, 16, 16, 25);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, 16, 8, 5);
        INDArray dwF = Nd4j.zeros(DataType.FLOAT, 16, 8, 5);

        INDArray yF = Conv1d.forward(toFloat(x), toFloat(w), toFloat(b), 2, 2, 25);
        INDArray dx = Conv1d.backward(x, w, dy, dw, null, 2, 2, true);
        INDArray dxF = Conv1d.backward(toFloat(x), toFloat(w), toFloat(dy), dwF, null, 2, 2, true);

        assertThat(yF.dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float y", Conv1d.forward(x, w, b, 2, 2, 25), yF, 1e-5);
        assertClose("float dx", dx, dxF, 1e-5);
        assertClose("float dw", dw, dwF, 1e-4);
        INDArray view = randn(15, 2, 7, 3).permute(0, 2, 1);
        INDArray w3 = randn(16, 2, 3, 3);
        assertClose("view", Conv1d.forward(view.dup('c'), w3, null, 1, 1, 7), Conv1d.forward(view, w3, null, 1, 1, 7),
                1e-14);
    }

    @Test
    void rejectsBadGeometryShapesAndTypes() {
        INDArray x = randn(17, 2, 3, 8);
        INDArray w = randn(18, 4, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> Conv1d.forward(x, randn(19, 4, 2, 3), null, 1, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> Conv1d.forward(x, w, randn(20, 3), 1, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> Conv1d.forward(x, w, null, 0, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> Conv1d.forward(x, w, null, 1, 3, 8));
        assertThrows(IllegalArgumentException.class, () -> Conv1d.forward(x, w, null, 1, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> Conv1d.forward(randn(21, 3, 8), w, null, 1, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> Conv1d.forward(x, toFloat(w), null, 1, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> Conv1d.backward(x, w, randn(22, 2, 4, 8),
                Nd4j.zeros(DataType.DOUBLE, 4, 3, 2), null, 1, 1, true));
        assertThrows(IllegalArgumentException.class, () -> Conv1d.backward(x, w, randn(22, 2, 5, 8),
                Nd4j.zeros(DataType.DOUBLE, 4, 3, 3), null, 1, 1, true));
    }
}
