package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GlobalAvgPool1dTest {
    @ParameterizedTest(name = "axis {0}")
    @ValueSource(ints = {1, 2})
    void forwardIsTheMeanOverTheAxis(int axis) {
        INDArray x = randn(1, 2, 3, 5);

        INDArray y = GlobalAvgPool1d.forward(x, axis);

        assertClose("mean", x.mean(axis), y, 1e-15);
        assertThat(y.shape()).isEqualTo(new long[] {2, axis == 1 ? 5 : 3});
        INDArray view = randn(2, 2, 5, 3).permute(0, 2, 1);
        assertClose("view", GlobalAvgPool1d.forward(view.dup('c'), axis), GlobalAvgPool1d.forward(view, axis), 0);
    }

    @ParameterizedTest(name = "axis {0}")
    @ValueSource(ints = {1, 2})
    void backwardMatchesFiniteDifferences(int axis) {
        INDArray x = randn(3, 2, 3, 4);
        INDArray r = randn(4, 2, axis == 1 ? 4 : 3);

        INDArray dx = GlobalAvgPool1d.backward(x, r, axis);

        assertGradient("dx", dx, numeric(() -> weightedSum(GlobalAvgPool1d.forward(x, axis), r), x));
    }

    @Test
    void floatAgreesWithDouble() {
        INDArray x = randn(5, 64, 16, 64);
        INDArray dy = randn(6, 64, 64);
        assertClose("forward", GlobalAvgPool1d.forward(x, 1),
                GlobalAvgPool1d.forward(toFloat(x), 1).castTo(DataType.DOUBLE), 1e-6);
        assertClose("backward", GlobalAvgPool1d.backward(x, dy, 1),
                GlobalAvgPool1d.backward(toFloat(x), toFloat(dy), 1).castTo(DataType.DOUBLE), 1e-6);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> GlobalAvgPool1d.forward(randn(7, 2, 3), 1));
        assertThrows(IllegalArgumentException.class, () -> GlobalAvgPool1d.forward(randn(7, 2, 3, 4), 0));
        assertThrows(IllegalArgumentException.class, () -> GlobalAvgPool1d.forward(randn(7, 2, 3, 4), 3));
        assertThrows(IllegalArgumentException.class, () -> GlobalAvgPool1d.forward(Nd4j.zeros(DataType.INT32, 2, 3, 4), 1));
        assertThrows(IllegalArgumentException.class, () -> GlobalAvgPool1d.backward(randn(7, 2, 3, 4), randn(8, 2, 3), 1));
        assertThrows(IllegalArgumentException.class,
                () -> GlobalAvgPool1d.backward(randn(7, 2, 3, 4), toFloat(randn(8, 2, 4)), 1));
    }
}
