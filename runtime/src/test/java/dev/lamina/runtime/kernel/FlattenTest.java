package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class FlattenTest {
    @Test
    void forwardKeepsCOrder() {
        INDArray x = randn(1, 2, 3, 4, 5);

        INDArray y = Flatten.forward(x);

        assertThat(y.shape()).isEqualTo(new long[] {2, 60});
        assertThat(y.getDouble(1, 2 * 20 + 3 * 5 + 4)).isEqualTo(x.getDouble(1, 2, 3, 4));
    }

    @Test
    void forwardOfAStridedViewIsInCOrderOfTheView() {
        INDArray x = randn(2, 2, 3, 4, 5).permute(0, 1, 3, 2);

        INDArray y = Flatten.forward(x);

        assertThat(y.getDouble(1, 2 * 20 + 3 * 4 + 1)).isEqualTo(x.getDouble(1, 2, 3, 1));
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        INDArray x = randn(3, 2, 3, 3, 2);
        INDArray r = randn(4, 2, 18);

        INDArray dx = Flatten.backward(x, r);

        assertThat(dx.shape()).isEqualTo(x.shape());
        assertGradient("dx", dx, numeric(() -> weightedSum(Flatten.forward(x), r), x));
    }

    @Test
    void backwardRejectsWrongShape() {
        assertThrows(IllegalArgumentException.class, () -> Flatten.backward(randn(5, 2, 3, 2, 2), randn(6, 2, 11)));
        assertClose("round trip", randn(7, 2, 3, 2, 2), Flatten.backward(randn(7, 2, 3, 2, 2), Flatten.forward(randn(7, 2, 3, 2, 2))), 0);
    }
}
