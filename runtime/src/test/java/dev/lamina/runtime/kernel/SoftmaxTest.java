package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SoftmaxTest {
    @Test
    void forwardNormalisesEachRow() {
        INDArray x = randn(1, 3, 5);

        INDArray y = Softmax.forward(x);

        INDArray expected = x.dup();
        for (int n = 0; n < 3; n++) {
            double sum = 0;
            for (int j = 0; j < 5; j++) {
                sum += Math.exp(x.getDouble(n, j));
            }
            for (int j = 0; j < 5; j++) {
                expected.putScalar(n, j, Math.exp(x.getDouble(n, j)) / sum);
            }
        }
        assertClose("softmax", expected, y, 1e-12);
    }

    @Test
    void forwardIsStableForLargeLogits() {
        INDArray x = Nd4j.create(new double[][] {{1000, 1001, 999}, {-1000, -1000, -1000}});

        INDArray y = Softmax.forward(toFloat(x));

        double e = Math.exp(1);
        INDArray expected = Nd4j.create(new double[][] {
                {1 / (1 + e + 1 / e), e / (1 + e + 1 / e), (1 / e) / (1 + e + 1 / e)}, {1 / 3.0, 1 / 3.0, 1 / 3.0}});
        assertClose("softmax of large logits", expected, y, 1e-6);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        INDArray x = randn(2, 3, 7);
        INDArray r = randn(3, 3, 7);

        INDArray dx = Softmax.backward(x, Softmax.forward(x), r);

        assertGradient("dx", dx, numeric(() -> weightedSum(Softmax.forward(x), r), x));
    }

    @Test
    void floatAgreesWithDouble() {
        INDArray x = randn(4, 6, 10);
        INDArray dy = randn(5, 6, 10);
        INDArray y = Softmax.forward(x);

        INDArray yF = Softmax.forward(toFloat(x));
        INDArray dxF = Softmax.backward(toFloat(x), yF, toFloat(dy));

        assertThat(dxF.dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float y", y, yF, 1e-6);
        assertClose("float dx", Softmax.backward(x, y, dy), dxF, 1e-6);
    }
}
