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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DenseTest {
    @Test
    void forwardIsAffineMap() {
        INDArray x = randn(1, 3, 5);
        INDArray w = randn(2, 5, 4);
        INDArray b = randn(3, 4);

        INDArray y = Dense.forward(x, w, b);

        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        for (int n = 0; n < 3; n++) {
            for (int o = 0; o < 4; o++) {
                double sum = b.getDouble(o);
                for (int i = 0; i < 5; i++) {
                    sum += x.getDouble(n, i) * w.getDouble(i, o);
                }
                expected.putScalar(n, o, sum);
            }
        }
        assertClose("dense forward", expected, y, 1e-12);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        INDArray x = randn(4, 3, 7);
        INDArray w = randn(5, 7, 5);
        INDArray b = randn(6, 5);
        INDArray r = randn(7, 3, 5);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, 7, 5);
        INDArray db = Nd4j.zeros(DataType.DOUBLE, 5);

        INDArray dx = Dense.backward(x, w, r, dw, db, true);

        Supplier<Double> loss = () -> weightedSum(Dense.forward(x, w, b), r);
        assertGradient("dx", dx, numeric(loss, x));
        assertGradient("dw", dw, numeric(loss, w));
        assertGradient("db", db, numeric(loss, b));
    }

    @Test
    void backwardAccumulatesAndCanSkipInputGradient() {
        INDArray x = randn(8, 4, 6);
        INDArray w = randn(9, 6, 3);
        INDArray dy = randn(10, 4, 3);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, 6, 3);
        INDArray db = Nd4j.zeros(DataType.DOUBLE, 3);
        Dense.backward(x, w, dy, dw, db, true);
        INDArray dwOnce = dw.dup();
        INDArray dbOnce = db.dup();

        assertThat(Dense.backward(x, w, dy, dw, db, false)).isNull();
        assertClose("dw after two calls", dwOnce.mul(2), dw, 1e-12);
        assertClose("db after two calls", dbOnce.mul(2), db, 1e-12);
        // a non-dense accumulator (transposed view) still accumulates
        INDArray dwT = Nd4j.zeros(DataType.DOUBLE, 3, 6).transpose();
        Dense.backward(x, w, dy, dwT, null, false);
        assertClose("dw into a transposed view", dwOnce, dwT, 1e-12);
    }

    @Test
    void accumulatesIntoViewsOfOneFlatParameterBuffer() {
        INDArray x = randn(15, 4, 6);
        INDArray w = randn(16, 6, 3);
        INDArray dy = randn(17, 4, 3);
        INDArray dwExpected = Nd4j.zeros(DataType.DOUBLE, 6, 3);
        INDArray dbExpected = Nd4j.zeros(DataType.DOUBLE, 3);
        Dense.backward(x, w, dy, dwExpected, dbExpected, false);
        INDArray flat = Nd4j.zeros(DataType.DOUBLE, 2 + 18 + 3);
        INDArray dw = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 20)).reshape(6, 3);
        INDArray db = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(20, 23));

        Dense.backward(x, w, dy, dw, db, false);

        assertClose("dw view", dwExpected, flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 20)).reshape(6, 3), 1e-12);
        assertClose("db view", dbExpected, flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(20, 23)), 1e-12);
    }

    @Test
    void floatAgreesWithDouble() {
        INDArray x = randn(11, 5, 8);
        INDArray w = randn(12, 8, 6);
        INDArray b = randn(13, 6);
        INDArray dy = randn(14, 5, 6);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, 8, 6);
        INDArray dwF = Nd4j.zeros(DataType.FLOAT, 8, 6);

        INDArray yF = Dense.forward(toFloat(x), toFloat(w), toFloat(b));
        INDArray dxF = Dense.backward(toFloat(x), toFloat(w), toFloat(dy), dwF, null, true);
        INDArray dx = Dense.backward(x, w, dy, dw, null, true);

        assertThat(yF.dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float y", Dense.forward(x, w, b), yF, 1e-5);
        assertClose("float dx", dx, dxF, 1e-5);
        assertClose("float dw", dw, dwF, 1e-5);
    }

    @Test
    void tokenSequencesGoThroughTheLastAxis() {
        INDArray x = randn(20, 2, 3, 5);
        INDArray w = randn(21, 5, 4);
        INDArray b = randn(22, 4);

        INDArray y = Dense.forward(x, w, b);

        assertThat(y.shape()).isEqualTo(new long[] {2, 3, 4});
        for (int n = 0; n < 2; n++) {
            INDArray tokens = x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(n)).dup();
            assertClose("example " + n, Dense.forward(tokens, w, b), y.get(org.nd4j.linalg.indexing.NDArrayIndex.point(n)),
                    1e-14);
        }
        // a strided sequence gives its dense copy's result
        INDArray view = randn(23, 2, 5, 3).permute(0, 2, 1);
        assertClose("view", Dense.forward(view.dup('c'), w, b), Dense.forward(view, w, b), 1e-14);
    }

    @Test
    void tokenSequenceBackwardMatchesFiniteDifferences() {
        INDArray x = randn(24, 2, 3, 5);
        INDArray w = randn(25, 5, 4);
        INDArray b = randn(26, 4);
        INDArray r = randn(27, 2, 3, 4);
        INDArray dw = Nd4j.zeros(DataType.DOUBLE, 5, 4);
        INDArray db = Nd4j.zeros(DataType.DOUBLE, 4);

        INDArray dx = Dense.backward(x, w, r, dw, db, true);

        assertThat(dx.shape()).isEqualTo(x.shape());
        Supplier<Double> loss = () -> weightedSum(Dense.forward(x, w, b), r);
        assertGradient("dx", dx, numeric(loss, x));
        assertGradient("dw", dw, numeric(loss, w));
        assertGradient("db", db, numeric(loss, b));
        assertThat(Dense.backward(x, w, r, dw, db, false)).isNull();
        assertClose("dw accumulates", numeric(loss, w).mul(2), dw, 1e-6);
        // float
        INDArray dwF = Nd4j.zeros(DataType.FLOAT, 5, 4);
        assertClose("float y", Dense.forward(x, w, b), Dense.forward(toFloat(x), toFloat(w), toFloat(b)), 1e-5);
        assertClose("float dx", dx, Dense.backward(toFloat(x), toFloat(w), toFloat(r), dwF, null, true), 1e-5);
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> Dense.forward(randn(1, 2, 3, 5), randn(2, 4, 2), null));
        assertThrows(IllegalArgumentException.class, () -> Dense.forward(randn(1, 2, 3, 5, 1), randn(2, 5, 2), null));
        assertThrows(IllegalArgumentException.class, () -> Dense.forward(randn(1, 5), randn(2, 5, 2), null));
        assertThrows(IllegalArgumentException.class, () -> Dense.backward(randn(1, 2, 3, 5), randn(2, 5, 2),
                randn(3, 6, 2), Nd4j.zeros(DataType.DOUBLE, 5, 2), null, true));
        assertThrows(IllegalArgumentException.class, () -> Dense.forward(randn(1, 3, 5), randn(2, 4, 2), null));
        assertThrows(IllegalArgumentException.class, () -> Dense.forward(randn(1, 3, 5), randn(2, 5, 2), randn(3, 3)));
    }
}
