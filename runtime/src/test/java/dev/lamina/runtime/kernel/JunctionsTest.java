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

/** The residual {@link Add} and the {@link Concat} of blocks. */
class JunctionsTest {
    @Test
    void addIsElementwiseAndItsGradientIsDyForBothInputs() {
        INDArray a = randn(1, 2, 3, 4, 4);
        INDArray b = randn(2, 2, 3, 4, 4);
        INDArray r = randn(3, 2, 3, 4, 4);

        INDArray y = Add.forward(a, b);

        assertThat(y.getDouble(1, 2, 3, 0)).isWithin(1e-12).of(a.getDouble(1, 2, 3, 0) + b.getDouble(1, 2, 3, 0));
        // The generated backward passes dy on to both paths: the numeric gradient of each input is r.
        assertGradient("dShortcut", r, numeric(() -> weightedSum(Add.forward(a, b), r), a));
        assertGradient("dBody", r, numeric(() -> weightedSum(Add.forward(a, b), r), b));
    }

    @Test
    void addRejectsDifferentShapesAndTypes() {
        assertThrows(IllegalArgumentException.class, () -> Add.forward(randn(1, 2, 3), randn(2, 2, 4)));
        assertThrows(IllegalArgumentException.class,
                () -> Add.forward(randn(1, 2, 3), randn(2, 2, 3).castTo(DataType.FLOAT)));
    }

    @Test
    void concatJoinsOnTheChannelAxisAndPartsSliceItsGradient() {
        INDArray a = randn(4, 2, 3, 2, 2);
        INDArray b = randn(5, 2, 1, 2, 2);
        INDArray c = randn(6, 2, 2, 2, 2);
        INDArray r = randn(7, 2, 6, 2, 2);

        INDArray y = Concat.forward(a, b, c);

        assertThat(y.shape()).isEqualTo(new long[] {2, 6, 2, 2});
        assertThat(y.getDouble(1, 3, 1, 0)).isEqualTo(b.getDouble(1, 0, 1, 0));
        assertThat(y.getDouble(0, 5, 0, 1)).isEqualTo(c.getDouble(0, 1, 0, 1));
        assertGradient("dA", Concat.part(r, 0, 3), numeric(() -> weightedSum(Concat.forward(a, b, c), r), a));
        assertGradient("dB", Concat.part(r, 3, 4), numeric(() -> weightedSum(Concat.forward(a, b, c), r), b));
        assertGradient("dC", Concat.part(r, 4, 6), numeric(() -> weightedSum(Concat.forward(a, b, c), r), c));
    }

    @Test
    void concatOfVectorsJoinsFeatures() {
        INDArray a = randn(8, 3, 2);
        INDArray b = randn(9, 3, 5);
        INDArray y = Concat.forward(a, b);
        assertThat(y.shape()).isEqualTo(new long[] {3, 7});
        assertClose("second part", b, Concat.part(y, 2, 7), 0);
    }

    @Test
    void concatRejectsMismatchedPartsAndEmptySlices() {
        assertThrows(IllegalArgumentException.class, () -> Concat.forward());
        assertThrows(IllegalArgumentException.class, () -> Concat.forward(randn(1, 2, 3, 4, 4), randn(2, 2, 3, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> Concat.forward(randn(1, 2, 3), randn(2, 2, 3, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> Concat.part(randn(3, 2, 4), 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Concat.part(randn(3, 2, 4), 2, 5));
    }
}
