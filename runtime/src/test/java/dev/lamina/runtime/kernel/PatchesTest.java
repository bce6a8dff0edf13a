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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PatchesTest {
    @Test
    void forwardNumbersPatchesRowMajorAndFlattensChannelRowColumn() {
        INDArray x = randn(1, 2, 3, 4, 6);

        INDArray y = Patches.forward(x, 2);

        assertThat(y.shape()).isEqualTo(new long[] {2, 6, 12});
        for (int n = 0; n < 2; n++) {
            for (int pi = 0; pi < 2; pi++) {
                for (int pj = 0; pj < 3; pj++) {
                    for (int c = 0; c < 3; c++) {
                        for (int i = 0; i < 2; i++) {
                            for (int j = 0; j < 2; j++) {
                                assertThat(y.getDouble(n, pi * 3 + pj, (c * 2 + i) * 2 + j))
                                        .isEqualTo(x.getDouble(n, c, pi * 2 + i, pj * 2 + j));
                            }
                        }
                    }
                }
            }
        }
        // Same as ND4J's reshape-permute spelling of torch's unfold + permute.
        INDArray viaPermute = x.reshape(2, 3, 2, 2, 3, 2).permute(0, 2, 4, 1, 3, 5).dup('c').reshape(2, 6, 12);
        assertClose("reshape/permute", viaPermute, y, 0);
        // P = 1 and P = H = W are the extreme cases
        assertThat(Patches.forward(randn(2, 1, 2, 2, 2), 2).shape()).isEqualTo(new long[] {1, 1, 8});
        assertClose("P = 1", randn(3, 1, 2, 1, 3).reshape(1, 2, 3).permute(0, 2, 1),
                Patches.forward(randn(3, 1, 2, 1, 3), 1), 0);
    }

    @Test
    void backwardMatchesFiniteDifferencesAndInvertsForward() {
        INDArray x = randn(4, 2, 2, 4, 4);
        INDArray r = randn(5, 2, 4, 8);

        INDArray dx = Patches.backward(x, r, 2);

        assertGradient("dx", dx, numeric(() -> weightedSum(Patches.forward(x, 2), r), x));
        assertClose("backward of forward", x, Patches.backward(x, Patches.forward(x, 2), 2), 0);
    }

    @Test
    void floatAndStridedInputs() {
        // A batch large enough for several threads.
        INDArray x = randn(6, 64, 1, 28, 28);
        INDArray y = Patches.forward(x, 7);
        assertThat(y.shape()).isEqualTo(new long[] {64, 16, 49});
        // a permutation: exact in FLOAT too
        assertClose("float", toFloat(y), Patches.forward(toFloat(x), 7), 0);
        assertClose("float backward", toFloat(x), Patches.backward(toFloat(x), toFloat(y), 7), 0);
        INDArray view = randn(7, 2, 4, 4, 3).permute(0, 3, 1, 2);
        assertClose("view", Patches.forward(view.dup('c'), 2), Patches.forward(view, 2), 0);
    }

    @Test
    void rejectsSizesThatDoNotDivide() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Patches.forward(randn(8, 1, 1, 6, 4), 3));
        assertThat(e).hasMessageThat().contains("[1, 1, 6, 4]");
        assertThrows(IllegalArgumentException.class, () -> Patches.forward(randn(8, 1, 1, 6, 6), 0));
        assertThrows(IllegalArgumentException.class, () -> Patches.forward(randn(8, 1, 6, 6), 2));
        assertThrows(IllegalArgumentException.class, () -> Patches.backward(randn(8, 1, 1, 4, 4), randn(9, 1, 4, 3), 2));
        assertThrows(IllegalArgumentException.class,
                () -> Patches.backward(randn(8, 1, 1, 4, 4), toFloat(randn(9, 1, 4, 4)), 2));
        assertThrows(IllegalArgumentException.class, () -> Patches.forward(Nd4j.zeros(DataType.INT32, 1, 1, 2, 2), 1));
    }
}
