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

/** GELU and SiLU beyond the shared activation tests: known values, the erf they rest on, bad arguments. */
class GELUTest {
    /**
     * erf by the series {@code erf x = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))}
     * (Abramowitz and Stegun 7.1.6): all terms positive, so no cancellation; accurate to a few ulps (1e-15)
     * for |x| below 6, and erf is 1 to double precision beyond.
     */
    static double erf(double x) {
        double a = Math.abs(x);
        if (a > 6) {
            return Math.signum(x);
        }
        double term = a, sum = a;
        for (int n = 1; n < 500 && term > 1e-18 * sum; n++) {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        return Math.signum(x) * 2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum;
    }

    @Test
    void referenceErfMatchesKnownValues() {
        // erf values to 17 digits (A&S table 7.1 / Python's math.erf).
        assertThat(erf(0.1)).isWithin(1e-15).of(0.1124629160182848922);
        assertThat(erf(0.5)).isWithin(1e-15).of(0.5204998778130465377);
        assertThat(erf(1.0)).isWithin(1e-15).of(0.8427007929497148693);
        assertThat(erf(2.0)).isWithin(1e-15).of(0.9953222650189527342);
        assertThat(erf(3.0)).isWithin(1e-15).of(0.9999779095030014146);
        assertThat(erf(-0.7)).isWithin(1e-15).of(-0.6778011938374184250);
    }

    @Test
    void exactAndTanhFormsGiveTorchValues() {
        // torch.nn.functional.gelu(x) and gelu(x, approximate='tanh'), in double.
        INDArray x = Nd4j.create(new double[] {-3, -1, -0.5, 0, 0.5, 1, 2, 4});
        INDArray exact = Nd4j.create(new double[] {-0.00404969409489031, -0.15865525393145707, -0.15426876936299344,
            0, 0.34573123063700656, 0.8413447460685429, 1.9544997361036416, 3.9998733150326675});
        INDArray tanh = Nd4j.create(new double[] {-0.0036373920817729943, -0.15880800939172324, -0.15428599017485606,
            0, 0.34571400982514394, 0.8411919906082768, 1.954597694087775, 3.9999297540518075});

        assertClose("exact GELU", exact, GELU.forward(x), 1e-15);
        assertClose("exact GELU (explicit)", exact, GELU.forward(x, GELU.Approximation.NONE), 1e-15);
        assertClose("tanh GELU", tanh, GELU.forward(x, GELU.Approximation.TANH), 1e-15);
        assertClose("float exact GELU", exact, GELU.forward(toFloat(x)).castTo(DataType.DOUBLE), 1e-6);
    }

    @Test
    void slopesAtZeroAreOneHalf() {
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1);
        INDArray dy = Nd4j.ones(DataType.DOUBLE, 1);
        assertThat(GELU.backward(x, GELU.forward(x), dy).getDouble(0)).isWithin(1e-15).of(0.5);
        assertThat(GELU.backward(x, GELU.forward(x), dy, GELU.Approximation.TANH).getDouble(0)).isWithin(1e-15)
                .of(0.5);
        assertThat(SiLU.backward(x, SiLU.forward(x), dy).getDouble(0)).isWithin(1e-15).of(0.5);
    }

    @Test
    void stridedViewsGiveTheirCopysResult() {
        INDArray x = randn(1, 3, 4).transpose();
        INDArray dy = randn(2, 4, 3);
        assertClose("GELU view", GELU.forward(x.dup('c')), GELU.forward(x), 0);
        assertClose("GELU backward view", GELU.backward(x.dup('c'), GELU.forward(x.dup('c')), dy),
                GELU.backward(x, GELU.forward(x), dy), 1e-15);
        assertClose("SiLU view", SiLU.forward(x.dup('c')), SiLU.forward(x), 0);
    }

    @Test
    void rejectsMismatchedShapesAndTypes() {
        INDArray x = randn(3, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> GELU.forward(Nd4j.zeros(DataType.INT32, 2)));
        assertThrows(IllegalArgumentException.class, () -> GELU.backward(x, x, randn(4, 3, 2)));
        assertThrows(IllegalArgumentException.class, () -> GELU.backward(x, x, toFloat(x)));
        assertThrows(NullPointerException.class, () -> GELU.forward(x, null));
        assertThrows(IllegalArgumentException.class, () -> SiLU.forward(Nd4j.zeros(DataType.INT64, 2)));
        assertThrows(IllegalArgumentException.class, () -> SiLU.backward(x, x, randn(5, 2, 4)));
    }
}
