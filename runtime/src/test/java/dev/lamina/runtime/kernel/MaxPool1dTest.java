package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MaxPool1dTest {
    @ParameterizedTest(name = "size={0} stride={1}")
    @CsvSource({"2,2", "3,1", "3,2", "4,3"})
    void forwardTakesWindowMaximaAndBackwardMatchesFiniteDifferences(int size, int stride) {
        INDArray x = randn(1, 2, 3, 9);
        int out = (9 - size) / stride + 1;

        INDArray y = MaxPool1d.forward(x, size, stride);

        assertThat(y.shape()).isEqualTo(new long[] {2, 3, out});
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int o = 0; o < out; o++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < size; j++) {
                        max = Math.max(max, x.getDouble(n, c, o * stride + j));
                    }
                    assertThat(y.getDouble(n, c, o)).isEqualTo(max);
                }
            }
        }
        INDArray r = randn(2, 2, 3, out);
        assertGradient("dx", MaxPool1d.backward(x, y, r, size, stride),
                numeric(() -> weightedSum(MaxPool1d.forward(x, size, stride), r), x));
        assertClose("without y", MaxPool1d.backward(x, y, r, size, stride), MaxPool1d.backward(x, null, r, size, stride),
                0);
    }

    @Test
    void tiesGoToTheFirstMaximum() {
        INDArray x = Nd4j.create(new double[] {1, 3, 3, 2, 3}, new long[] {1, 1, 5});
        INDArray dx = MaxPool1d.backward(x, null, Nd4j.ones(DataType.DOUBLE, 1, 1, 2), 3, 2);
        // windows [1, 3, 3] -> index 1; [3, 2, 3] -> index 2
        assertClose("ties", Nd4j.create(new double[] {0, 1, 1, 0, 0}, new long[] {1, 1, 5}), dx, 0);
    }

    @Test
    void floatAndBadArguments() {
        INDArray x = randn(3, 32, 16, 100);
        INDArray dy = randn(4, 32, 16, 50);
        assertClose("float", toFloat(MaxPool1d.forward(x, 2, 2)), MaxPool1d.forward(toFloat(x), 2, 2), 0);
        assertClose("float backward", MaxPool1d.backward(x, null, dy, 2, 2),
                MaxPool1d.backward(toFloat(x), null, toFloat(dy), 2, 2), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> MaxPool1d.forward(randn(5, 2, 3), 2, 2));
        assertThrows(IllegalArgumentException.class, () -> MaxPool1d.forward(randn(5, 1, 2, 3), 4, 1));
        assertThrows(IllegalArgumentException.class, () -> MaxPool1d.forward(randn(5, 1, 2, 3), 2, 0));
        assertThrows(IllegalArgumentException.class, () -> MaxPool1d.backward(randn(5, 1, 2, 4), null, randn(6, 1, 2, 3), 2, 2));
    }
}
