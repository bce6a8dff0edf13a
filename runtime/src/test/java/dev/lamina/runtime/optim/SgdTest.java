package dev.lamina.runtime.optim;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.model.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** SGD steps against the PyTorch update rule written out in scalar double arithmetic. */
class SgdTest {
    private static final double[] START = {1.0, -2.0, 0.5};
    /** A different gradient on each of three steps. */
    private static final double[][] GRADS = {{0.5, 0.25, -1.0}, {-0.3, 0.1, 0.2}, {0.05, -0.4, 0.7}};

    /** torch.optim.SGD's rule for one coordinate, over all steps in GRADS. */
    private static double[] reference(double lr, double momentum, double dampening, double weightDecay,
            boolean nesterov) {
        double[] p = START.clone();
        double[] buffer = new double[p.length];
        for (int step = 0; step < GRADS.length; step++) {
            for (int i = 0; i < p.length; i++) {
                double g = GRADS[step][i] + weightDecay * p[i];
                if (momentum != 0) {
                    buffer[i] = step == 0 ? g : momentum * buffer[i] + (1 - dampening) * g;
                    g = nesterov ? g + momentum * buffer[i] : buffer[i];
                }
                p[i] -= lr * g;
            }
        }
        return p;
    }

    private static double[] run(Sgd sgd, DataType type) {
        Parameter p = Parameter.of("w", Nd4j.createFromArray(START).castTo(type));
        for (double[] g : GRADS) {
            INDArray grad = Nd4j.createFromArray(g).castTo(type);
            p.grad().assign(grad);
            sgd.step(List.of(p));
            assertWithMessage("the step must not modify the gradient").that(p.grad()).isEqualTo(grad);
        }
        return p.value().castTo(DataType.DOUBLE).toDoubleVector();
    }

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            assertWithMessage("coordinate %s", i).that(actual[i]).isWithin(tolerance).of(expected[i]);
        }
    }

    @Test
    void plainStepIsLearningRateTimesGradient() {
        assertClose(run(new Sgd(0.1), DataType.DOUBLE), reference(0.1, 0, 0, 0, false), 1e-15);
    }

    @Test
    void momentumStartsFromTheFirstGradient() {
        assertClose(run(Sgd.builder(0.1).momentum(0.9).build(), DataType.DOUBLE), reference(0.1, 0.9, 0, 0, false),
                1e-15);
    }

    @Test
    void dampeningScalesOnlyLaterGradients() {
        double[] expected = reference(0.1, 0.9, 0.5, 0, false);
        assertClose(run(Sgd.builder(0.1).momentum(0.9).dampening(0.5).build(), DataType.DOUBLE), expected, 1e-15);
        // Dampening must matter from step 2 on, or the test could not tell the rules apart.
        assertThat(expected[0]).isNotWithin(1e-6).of(reference(0.1, 0.9, 0, 0, false)[0]);
    }

    @Test
    void nesterovWithWeightDecay() {
        Sgd sgd = Sgd.builder(0.05).momentum(0.8).nesterov(true).weightDecay(0.01).build();
        assertClose(run(sgd, DataType.DOUBLE), reference(0.05, 0.8, 0, 0.01, true), 1e-15);
    }

    @Test
    void nesterovWithoutWeightDecayLeavesTheGradientAlone() {
        Sgd sgd = Sgd.builder(0.05).momentum(0.8).nesterov(true).build();
        assertClose(run(sgd, DataType.DOUBLE), reference(0.05, 0.8, 0, 0, true), 1e-15);
    }

    @Test
    void floatParameters() {
        Sgd sgd = Sgd.builder(0.1).momentum(0.9).weightDecay(0.1).build();
        assertClose(run(sgd, DataType.FLOAT), reference(0.1, 0.9, 0, 0.1, false), 1e-6);
    }

    @Test
    void statePerParameterIsKeptApart() {
        Sgd shared = Sgd.builder(0.1).momentum(0.9).build();
        Parameter a = Parameter.of("a", Nd4j.createFromArray(1.0, 2.0));
        Parameter b = Parameter.of("b", Nd4j.createFromArray(1.0, 2.0)); // equal values, distinct arrays
        Sgd aloneA = Sgd.builder(0.1).momentum(0.9).build();
        Sgd aloneB = Sgd.builder(0.1).momentum(0.9).build();
        Parameter a2 = Parameter.of("a", Nd4j.createFromArray(1.0, 2.0));
        Parameter b2 = Parameter.of("b", Nd4j.createFromArray(1.0, 2.0));
        for (int step = 0; step < 3; step++) {
            a.grad().assign(Nd4j.createFromArray(1.0 + step, -1.0));
            b.grad().assign(Nd4j.createFromArray(-2.0, 0.5 * step));
            a2.grad().assign(a.grad());
            b2.grad().assign(b.grad());
            shared.step(step % 2 == 0 ? List.of(a, b) : List.of(b, a));
            aloneA.step(List.of(a2));
            aloneB.step(List.of(b2));
        }
        assertThat(a.value()).isEqualTo(a2.value());
        assertThat(b.value()).isEqualTo(b2.value());
    }

    @Test
    void invalidHyperparametersNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(-0.5));
        assertThat(e).hasMessageThat().contains("lr");
        assertThat(e).hasMessageThat().contains("-0.5");
        e = assertThrows(IllegalArgumentException.class, () -> Sgd.builder(0.1).momentum(Double.NaN).build());
        assertThat(e).hasMessageThat().contains("NaN");
        e = assertThrows(IllegalArgumentException.class, () -> Sgd.builder(0.1).weightDecay(-1e-4).build());
        assertThat(e).hasMessageThat().contains("-1.0E-4");
        e = assertThrows(IllegalArgumentException.class, () -> Sgd.builder(0.1).nesterov(true).build());
        assertThat(e).hasMessageThat().contains("momentum 0.0");
        e = assertThrows(IllegalArgumentException.class,
                () -> Sgd.builder(0.1).momentum(0.9).dampening(0.1).nesterov(true).build());
        assertThat(e).hasMessageThat().contains("dampening 0.1");
    }

    @Test
    void defaultsArePyTorchs() {
        Sgd sgd = new Sgd(0.01);
        assertThat(sgd.momentum()).isEqualTo(0.0);
        assertThat(sgd.dampening()).isEqualTo(0.0);
        assertThat(sgd.weightDecay()).isEqualTo(0.0);
        assertThat(sgd.nesterov()).isFalse();
    }
}
