package dev.lamina.runtime.optim;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.model.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Clipping by global norm against values computed by hand. */
class GradientClippingTest {
    /** Gradients (3, 4) and (12): norms 5 and 12, global norm sqrt(25 + 144) = 13. */
    private static List<Parameter> parameters(DataType type) {
        Parameter w = Parameter.of("w", Nd4j.zeros(type, 2));
        Parameter b = Parameter.of("b", Nd4j.zeros(type, 1, 1));
        w.grad().assign(Nd4j.createFromArray(3.0, 4.0).castTo(type));
        b.grad().assign(12);
        return List.of(w, b);
    }

    @Test
    void aNormAboveTheMaximumScalesEveryGradientByTheSameFactor() {
        List<Parameter> params = parameters(DataType.DOUBLE);
        double norm = GradientClipping.clipGradNorm(params, 6.5);
        assertThat(norm).isWithin(1e-12).of(13.0);
        double scale = 6.5 / (13 + 1e-6); // PyTorch's clip_coef
        assertThat(params.get(0).grad().toDoubleVector()).usingTolerance(1e-12)
                .containsExactly(3 * scale, 4 * scale).inOrder();
        assertThat(params.get(1).grad().getDouble(0, 0)).isWithin(1e-12).of(12 * scale);
        // The clipped norm is max_norm * norm / (norm + 1e-6), a hair under max_norm.
        assertThat(GradientClipping.globalNorm(params)).isWithin(1e-12).of(6.5 * 13 / (13 + 1e-6));
    }

    @Test
    void aHugeMaximumChangesNothing() {
        for (double max : new double[] {1e9, Double.POSITIVE_INFINITY, 13.1}) {
            List<Parameter> params = parameters(DataType.FLOAT);
            assertThat(GradientClipping.clipGradNorm(params, max)).isWithin(1e-5).of(13.0);
            assertThat(params.get(0).grad()).isEqualTo(Nd4j.createFromArray(3f, 4f));
            assertThat(params.get(1).grad().getFloat(0, 0)).isEqualTo(12f);
        }
    }

    @Test
    void justBelowTheMaximumIsScaledByPyTorchsEpsilonAsInPyTorch() {
        // clip_coef = 13 / (13 + 1e-6) < 1: clip_grad_norm_ scales by it although the norm equals max_norm.
        List<Parameter> params = parameters(DataType.DOUBLE);
        GradientClipping.clipGradNorm(params, 13.0);
        assertThat(params.get(1).grad().getDouble(0, 0)).isWithin(1e-15).of(12 * 13 / (13 + 1e-6));
        assertThat(params.get(1).grad().getDouble(0, 0)).isLessThan(12.0);
    }

    @Test
    void zeroAndNonFiniteGradientsAreLeftAlone() {
        Parameter p = Parameter.of("p", Nd4j.zeros(DataType.FLOAT, 3));
        assertThat(GradientClipping.clipGradNorm(List.of(p), 1.0)).isEqualTo(0.0);
        p.grad().putScalar(1, Float.NaN);
        assertThat(GradientClipping.clipGradNorm(List.of(p), 1.0)).isNaN();
        assertThat(p.grad().getFloat(0)).isEqualTo(0f);
        assertThat(GradientClipping.globalNorm(List.of())).isEqualTo(0.0);
    }

    @Test
    void theMaximumMustBePositive() {
        for (double max : new double[] {0, -1, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GradientClipping.clipGradNorm(parameters(DataType.FLOAT), max));
            assertThat(e).hasMessageThat().isEqualTo("maxNorm must be > 0, found " + max);
        }
    }
}
