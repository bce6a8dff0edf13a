package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The folded layer against the layer followed by {@link BatchNorm#forwardInference}. */
class BatchNormFoldTest {
    private static final double EPS = 1e-5;

    /** BN statistics and affine pair for {@code c} channels, with negative gammas and spread variances. */
    private record Stats(INDArray gamma, INDArray beta, INDArray mean, INDArray var) {
        static Stats of(long seed, long c) {
            INDArray var = randn(seed + 3, c);
            var = var.mul(var).addi(0.05);
            return new Stats(randn(seed, c), randn(seed + 1, c), randn(seed + 2, c), var);
        }

        Stats toFloat() {
            return new Stats(GradientCheck.toFloat(gamma), GradientCheck.toFloat(beta), GradientCheck.toFloat(mean),
                    GradientCheck.toFloat(var));
        }
    }

    @Test
    void conv2d_foldedEqualsConvThenBatchNorm_withAndWithoutBias() {
        INDArray x = randn(1, 3, 2, 7, 6);
        INDArray w = randn(2, 4, 2, 3, 3);
        INDArray b = randn(3, 4);
        Stats s = Stats.of(10, 4);
        for (INDArray bias : new INDArray[] {b, null}) {
            INDArray expected = BatchNorm.forwardInference(Conv2d.forward(x, w, bias, 1, 1, 1, 7, 6), s.gamma(),
                    s.beta(), s.mean(), s.var(), EPS);
            INDArray foldedW = BatchNormFold.allocate(DataType.DOUBLE, 4, 2, 3, 3);
            INDArray foldedB = BatchNormFold.allocate(DataType.DOUBLE, 4);

            BatchNormFold.intoConv2d(w, bias, s.gamma(), s.beta(), s.mean(), s.var(), EPS, foldedW, foldedB);

            assertClose("conv folded, bias " + (bias != null), expected,
                    Conv2d.forward(x, foldedW, foldedB, 1, 1, 1, 7, 6), 1e-12);
        }
    }

    @Test
    void conv2d_foldedWeightIsScaledPerFilter() {
        INDArray w = randn(4, 3, 2, 2, 2);
        Stats s = Stats.of(20, 3);
        INDArray foldedW = BatchNormFold.allocate(DataType.DOUBLE, 3, 2, 2, 2);
        INDArray foldedB = BatchNormFold.allocate(DataType.DOUBLE, 3);

        BatchNormFold.intoConv2d(w, null, s.gamma(), s.beta(), s.mean(), s.var(), EPS, foldedW, foldedB);

        for (int f = 0; f < 3; f++) {
            double scale = s.gamma().getDouble(f) / Math.sqrt(s.var().getDouble(f) + EPS);
            assertClose("filter " + f, w.slice(f).mul(scale), foldedW.slice(f), 1e-14);
            assertThat(foldedB.getDouble(f)).isWithin(1e-12)
                    .of(-s.mean().getDouble(f) * scale + s.beta().getDouble(f));
        }
    }

    @Test
    void dense_foldedEqualsDenseThenBatchNorm_withAndWithoutBias() {
        INDArray x = randn(5, 6, 7);
        INDArray w = randn(6, 7, 5);
        INDArray b = randn(7, 5);
        Stats s = Stats.of(30, 5);
        for (INDArray bias : new INDArray[] {b, null}) {
            INDArray expected = BatchNorm.forwardInference(Dense.forward(x, w, bias), s.gamma(), s.beta(), s.mean(),
                    s.var(), EPS);
            INDArray foldedW = BatchNormFold.allocate(DataType.DOUBLE, 7, 5);
            INDArray foldedB = BatchNormFold.allocate(DataType.DOUBLE, 5);

            BatchNormFold.intoDense(w, bias, s.gamma(), s.beta(), s.mean(), s.var(), EPS, foldedW, foldedB);

            assertClose("dense folded, bias " + (bias != null), expected, Dense.forward(x, foldedW, foldedB), 1e-12);
        }
    }

    @Test
    void float_foldedMatchesWithinFloatRounding() {
        INDArray x = toFloat(randn(8, 4, 7));
        INDArray w = toFloat(randn(9, 7, 3));
        Stats s = Stats.of(40, 3).toFloat();
        INDArray expected = BatchNorm.forwardInference(Dense.forward(x, w, null), s.gamma(), s.beta(), s.mean(),
                s.var(), EPS);
        INDArray foldedW = BatchNormFold.allocate(DataType.FLOAT, 7, 3);
        INDArray foldedB = BatchNormFold.allocate(DataType.FLOAT, 3);

        BatchNormFold.intoDense(w, null, s.gamma(), s.beta(), s.mean(), s.var(), EPS, foldedW, foldedB);

        assertThat(foldedW.dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float dense folded", expected, Dense.forward(x, foldedW, foldedB), 1e-5);
    }

    @Test
    void refoldingOverwritesThePreviousFold() {
        INDArray w = randn(11, 3, 4);
        INDArray foldedW = BatchNormFold.allocate(DataType.DOUBLE, 3, 4);
        INDArray foldedB = BatchNormFold.allocate(DataType.DOUBLE, 4);
        Stats first = Stats.of(50, 4);
        Stats second = Stats.of(60, 4);
        BatchNormFold.intoDense(w, null, first.gamma(), first.beta(), first.mean(), first.var(), EPS, foldedW,
                foldedB);
        INDArray expectedW = BatchNormFold.allocate(DataType.DOUBLE, 3, 4);
        INDArray expectedB = BatchNormFold.allocate(DataType.DOUBLE, 4);
        BatchNormFold.intoDense(w, null, second.gamma(), second.beta(), second.mean(), second.var(), EPS, expectedW,
                expectedB);

        BatchNormFold.intoDense(w, null, second.gamma(), second.beta(), second.mean(), second.var(), EPS, foldedW,
                foldedB);

        assertThat(foldedW).isEqualTo(expectedW);
        assertThat(foldedB).isEqualTo(expectedB);
    }

    @Test
    void inputsAreNotModified() {
        INDArray w = randn(12, 2, 3, 3, 3);
        INDArray b = randn(13, 2);
        Stats s = Stats.of(70, 2);
        INDArray[] inputs = {w, b, s.gamma(), s.beta(), s.mean(), s.var()};
        INDArray[] copies = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            copies[i] = inputs[i].dup();
        }

        BatchNormFold.intoConv2d(w, b, s.gamma(), s.beta(), s.mean(), s.var(), EPS,
                BatchNormFold.allocate(DataType.DOUBLE, 2, 3, 3, 3), BatchNormFold.allocate(DataType.DOUBLE, 2));

        for (int i = 0; i < inputs.length; i++) {
            assertThat(inputs[i]).isEqualTo(copies[i]);
        }
    }

    @Test
    void rejectsMismatchedShapesTypesAndAliasing() {
        INDArray w = randn(14, 3, 4);
        Stats s = Stats.of(80, 4);
        INDArray foldedB = BatchNormFold.allocate(DataType.DOUBLE, 4);
        assertThrows(IllegalArgumentException.class, () -> BatchNormFold.intoDense(w, null, s.gamma(), s.beta(),
                s.mean(), s.var(), EPS, w, foldedB));
        assertThrows(IllegalArgumentException.class, () -> BatchNormFold.intoDense(w, null, s.gamma(), s.beta(),
                s.mean(), s.var(), EPS, BatchNormFold.allocate(DataType.DOUBLE, 4, 3), foldedB));
        assertThrows(IllegalArgumentException.class, () -> BatchNormFold.intoDense(w, null, s.gamma(), s.beta(),
                s.mean(), s.var(), EPS, BatchNormFold.allocate(DataType.FLOAT, 3, 4), foldedB));
        assertThrows(IllegalArgumentException.class, () -> BatchNormFold.intoConv2d(w, null, s.gamma(), s.beta(),
                s.mean(), s.var(), EPS, BatchNormFold.allocate(DataType.DOUBLE, 3, 4), foldedB));
        assertThrows(IllegalArgumentException.class, () -> BatchNormFold.intoDense(w, null, randn(1, 3), s.beta(),
                s.mean(), s.var(), EPS, BatchNormFold.allocate(DataType.DOUBLE, 3, 4), foldedB));
        assertThrows(IllegalArgumentException.class, () -> BatchNormFold.intoDense(w, null, s.gamma(), s.beta(),
                s.mean(), s.var(), 0.0, BatchNormFold.allocate(DataType.DOUBLE, 3, 4), foldedB));
        assertThrows(NullPointerException.class, () -> BatchNormFold.intoDense(w, null, null, s.beta(),
                s.mean(), s.var(), EPS, BatchNormFold.allocate(DataType.DOUBLE, 3, 4), foldedB));
        assertThrows(IllegalArgumentException.class, () -> BatchNormFold.allocate(DataType.INT32, 3));
    }

    @Test
    @SuppressWarnings("try")  // the workspace is open for the block; its handle is not read
    void allocate_isDetachedZeros() {
        try (var ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace("fold-test")) {
            INDArray a = BatchNormFold.allocate(DataType.FLOAT, 2, 3);
            assertThat(a.isAttached()).isFalse();
            assertThat(a.sumNumber().doubleValue()).isEqualTo(0.0);
            assertThat(a.shape()).isEqualTo(new long[] {2, 3});
        }
    }
}
