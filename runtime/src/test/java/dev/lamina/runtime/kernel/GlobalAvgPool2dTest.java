package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GlobalAvgPool2dTest {
    @Test
    void forwardIsTheMeanOfEachChannel() {
        INDArray x = randn(1, 2, 3, 4, 5);

        INDArray y = GlobalAvgPool2d.forward(x);

        assertThat(y.shape()).isEqualTo(new long[] {2, 3});
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                sum += x.getDouble(1, 2, i, j);
            }
        }
        assertThat(y.getDouble(1, 2)).isWithin(1e-12).of(sum / 20);
    }

    @Test
    void forwardOfAStridedViewEqualsForwardOfItsCopy() {
        INDArray x = randn(2, 2, 3, 5, 4).permute(0, 1, 3, 2);
        assertClose("view", GlobalAvgPool2d.forward(x.dup('c')), GlobalAvgPool2d.forward(x), 1e-12);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        INDArray x = randn(3, 2, 3, 3, 2);
        INDArray r = randn(4, 2, 3);

        INDArray dx = GlobalAvgPool2d.backward(x, r);

        assertThat(dx.shape()).isEqualTo(x.shape());
        assertGradient("dx", dx, numeric(() -> weightedSum(GlobalAvgPool2d.forward(x), r), x));
    }

    @Test
    void floatGivesTheDoubleResultToFloatPrecision() {
        INDArray x = randn(5, 2, 4, 6, 6);
        INDArray dy = randn(6, 2, 4);
        assertClose("forward", GlobalAvgPool2d.forward(x),
                GlobalAvgPool2d.forward(x.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE), 1e-6);
        assertClose("backward", GlobalAvgPool2d.backward(x, dy), GlobalAvgPool2d.backward(
                x.castTo(DataType.FLOAT), dy.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE), 1e-6);
    }

    @Test
    void rejectsWrongRanksShapesAndTypes() {
        assertThrows(IllegalArgumentException.class, () -> GlobalAvgPool2d.forward(randn(7, 2, 3)));
        assertThrows(IllegalArgumentException.class,
                () -> GlobalAvgPool2d.forward(Nd4j.zeros(DataType.INT32, 1, 1, 2, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> GlobalAvgPool2d.backward(randn(8, 2, 3, 2, 2), randn(9, 2, 4)));
        assertThrows(IllegalArgumentException.class,
                () -> GlobalAvgPool2d.backward(randn(8, 2, 3, 2, 2), randn(9, 2, 3).castTo(DataType.FLOAT)));
    }
}
