package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Conv2d.Geometry}, the named form of the window arguments that generated code passes. */
class Conv2dGeometryTest {
    @Test
    void builtStepByStep_namesEachArgument() {
        Conv2d.Geometry g = Conv2d.Geometry.stride(2).padding(0, 1).output(4, 5);
        assertThat(g).isEqualTo(new Conv2d.Geometry(2, 2, 0, 1, 4, 5));
        assertThat(Conv2d.Geometry.stride(2, 1).padding(1, 0).output(3, 5))
                .isEqualTo(new Conv2d.Geometry(2, 1, 1, 0, 3, 5));
    }

    @Test
    void forwardAndBackward_equalTheCallsWithSeparateArguments() {
        INDArray x = randn(11, 2, 3, 7, 9);
        INDArray w = randn(12, 4, 3, 3, 3);
        INDArray b = randn(13, 4);
        Conv2d.Geometry g = Conv2d.Geometry.stride(2).padding(0, 1).output(4, 5);

        INDArray expected = Conv2d.forward(x, w, b, 2, 0, 1, 4, 5);
        assertThat(Conv2d.forward(x, w, b, g).equalsWithEps(expected, 0)).isTrue();

        INDArray dy = randn(14, 2, 4, 4, 5);
        INDArray dw1 = Nd4j.zeros(DataType.DOUBLE, 4, 3, 3, 3);
        INDArray db1 = Nd4j.zeros(DataType.DOUBLE, 4);
        INDArray dx1 = Conv2d.backward(x, w, dy, dw1, db1, 2, 0, 1, true);
        INDArray dw2 = Nd4j.zeros(DataType.DOUBLE, 4, 3, 3, 3);
        INDArray db2 = Nd4j.zeros(DataType.DOUBLE, 4);
        INDArray dx2 = Conv2d.backward(x, w, dy, dw2, db2, g, true);
        assertThat(dx2.equalsWithEps(dx1, 0)).isTrue();
        assertThat(dw2.equalsWithEps(dw1, 0)).isTrue();
        assertThat(db2.equalsWithEps(db1, 0)).isTrue();
    }

    @Test
    void backward_rejectsAGradientOfAnotherOutputSize() {
        INDArray x = randn(11, 1, 3, 7, 9);
        INDArray w = randn(12, 4, 3, 3, 3);
        INDArray dy = randn(14, 1, 4, 5, 7);
        Conv2d.Geometry g = Conv2d.Geometry.stride(1).output(5, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv2d.backward(x, w, dy,
                Nd4j.zeros(DataType.DOUBLE, 4, 3, 3, 3), null, g, true));
        assertThat(e).hasMessageThat().contains("output size 5x6");
    }

    @Test
    void rejectsAStrideBelowOneAndNegativePadding() {
        assertThrows(IllegalArgumentException.class, () -> Conv2d.Geometry.stride(0));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.Geometry.stride(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.Geometry.stride(1).padding(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.Geometry.stride(1).output(0, 3));
    }
}
