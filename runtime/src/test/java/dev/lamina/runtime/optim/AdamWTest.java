package dev.lamina.runtime.optim;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.model.Parameter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** AdamW steps against PyTorch's documented algorithm, computed here in scalar double arithmetic. */
class AdamWTest {
    private static final double[] START = {1.0, -2.0, 0.5};
    private static final double[][] GRADS = {{0.5, 0.25, -1.0}, {-0.3, 0.1, 0.2}, {0.05, -0.4, 0.7}};

    /**
     * The algorithm box of {@code torch.optim.AdamW}'s documentation (maximize and amsgrad off), for each
     * coordinate over the steps in GRADS, with learning rate {@code lrs[t - 1]} at step t.
     */
    private static double[] reference(double[] lrs, double beta1, double beta2, double eps, double weightDecay) {
        double[] theta = START.clone();
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        for (int t = 1; t <= GRADS.length; t++) {
            double gamma = lrs[t - 1];
            for (int i = 0; i < theta.length; i++) {
                double g = GRADS[t - 1][i];
                theta[i] = theta[i] - gamma * weightDecay * theta[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = v[i] / (1 - Math.pow(beta2, t));
                theta[i] = theta[i] - gamma * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return theta;
    }

    private static double[] constant(double lr) {
        return new double[] {lr, lr, lr};
    }

    private static double[] run(Optimizer optimizer, DataType type, double[] lrs) {
        Parameter p = Parameter.of("w", Nd4j.createFromArray(START).castTo(type));
        for (int t = 0; t < GRADS.length; t++) {
            if (lrs != null) {
                optimizer.setLr(lrs[t]);
            }
            INDArray grad = Nd4j.createFromArray(GRADS[t]).castTo(type);
            p.grad().assign(grad);
            optimizer.step(List.of(p));
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
    void firstDefaultStepByHand() {
        // p = 1, g = 0.5: decay 1 - 1e-3 * 0.01 = 0.99999; m-hat = 0.5, v-hat = 0.25, so the Adam step is
        // 1e-3 * 0.5 / (0.5 + 1e-8) = 0.00099999998; p = 0.99999 - 0.00099999998 = 0.99899000002.
        Parameter p = Parameter.of("w", Nd4j.createFromArray(1.0));
        p.grad().assign(0.5);
        new AdamW().step(List.of(p));
        assertThat(p.value().getDouble(0)).isWithin(1e-15).of(0.99899000002);
    }

    @Test
    void defaultStepsMatchTheReference() {
        assertClose(run(new AdamW(), DataType.DOUBLE, null), reference(constant(1e-3), 0.9, 0.999, 1e-8, 0.01), 1e-14);
    }

    @Test
    void customHyperparametersAndAChangingLearningRate() {
        AdamW adamW = AdamW.builder().lr(0.05).beta1(0.8).beta2(0.99).eps(1e-3).weightDecay(0.5).build();
        double[] lrs = {0.05, 0.2, 0.01};
        assertClose(run(adamW, DataType.DOUBLE, lrs), reference(lrs, 0.8, 0.99, 1e-3, 0.5), 1e-14);
        assertThat(adamW.lr()).isEqualTo(0.01);
    }

    @Test
    void floatParameters() {
        assertClose(run(new AdamW(0.01), DataType.FLOAT, null), reference(constant(0.01), 0.9, 0.999, 1e-8, 0.01),
                1e-6);
    }

    @Test
    void viewParametersTakeTheOpsPathWithTheSameResult() {
        INDArray storage = Nd4j.createFromArray(new double[] {1.0, 9, -2.0, 9, 0.5, 9});
        Parameter p = Parameter.of("w", storage.get(NDArrayIndex.interval(0, 2, 6)));
        AdamW adamW = AdamW.builder().lr(0.05).weightDecay(0.3).build();
        for (double[] g : GRADS) {
            p.grad().assign(Nd4j.createFromArray(g));
            adamW.step(List.of(p));
        }
        assertClose(p.value().toDoubleVector(), reference(constant(0.05), 0.9, 0.999, 1e-8, 0.3), 1e-14);
        assertThat(storage.getDouble(1)).isEqualTo(9.0);
    }

    @Test
    void withoutGradientOnlyTheDecayActs() {
        // m = v = 0, so the Adam step is 0 / (0 + eps) = 0 and p_t = p_0 (1 - lr wd)^t.
        Parameter p = Parameter.of("w", Nd4j.createFromArray(START));
        AdamW adamW = AdamW.builder().lr(0.1).weightDecay(0.2).build();
        for (int t = 0; t < 5; t++) {
            adamW.step(List.of(p));
        }
        for (int i = 0; i < START.length; i++) {
            assertThat(p.value().getDouble(i)).isWithin(1e-15).of(START[i] * Math.pow(1 - 0.1 * 0.2, 5));
        }
    }

    @Test
    void decoupledDecayDiffersFromAdamsL2AndZeroDecayIsAdam() {
        double[] adamL2 = run(Adam.builder().lr(0.05).weightDecay(0.5).build(), DataType.DOUBLE, null);
        double[] adamW = run(AdamW.builder().lr(0.05).weightDecay(0.5).build(), DataType.DOUBLE, null);
        assertThat(Math.abs(adamW[0] - adamL2[0])).isGreaterThan(1e-3);
        assertThat(run(AdamW.builder().lr(0.05).weightDecay(0).build(), DataType.FLOAT, null))
                .isEqualTo(run(new Adam(0.05), DataType.FLOAT, null));
    }

    @Test
    void stateRoundTripContinuesExactly() {
        Parameter straight = Parameter.of("w", Nd4j.createFromArray(START).castTo(DataType.FLOAT));
        AdamW a = new AdamW(0.05);
        Parameter first = Parameter.of("w", Nd4j.createFromArray(START).castTo(DataType.FLOAT));
        AdamW b = new AdamW(0.05);
        for (int t = 0; t < 2; t++) {
            for (Parameter p : List.of(straight, first)) {
                p.grad().assign(Nd4j.createFromArray(GRADS[t]).castTo(DataType.FLOAT));
            }
            a.step(List.of(straight));
            b.step(List.of(first));
        }
        Map<String, INDArray> state = b.state(List.of(first));
        assertThat(state.keySet()).containsExactly("w/exp_avg", "w/exp_avg_sq", "w/step");
        assertThat(state.get("w/step").getLong(0)).isEqualTo(2);

        Parameter second = Parameter.of("w", first.value().dup());
        AdamW c = new AdamW(0.05);
        c.loadState(List.of(second), Map.copyOf(state));
        straight.grad().assign(Nd4j.createFromArray(GRADS[2]).castTo(DataType.FLOAT));
        second.grad().assign(straight.grad());
        a.step(List.of(straight));
        c.step(List.of(second));
        assertThat(second.value()).isEqualTo(straight.value());
    }

    @Test
    void invalidHyperparametersNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdamW(-1));
        assertThat(e).hasMessageThat().contains("lr must be finite and >= 0, found -1.0");
        e = assertThrows(IllegalArgumentException.class, () -> AdamW.builder().weightDecay(-0.5).build());
        assertThat(e).hasMessageThat().contains("weightDecay must be finite and >= 0, found -0.5");
        e = assertThrows(IllegalArgumentException.class, () -> AdamW.builder().beta2(1).build());
        assertThat(e).hasMessageThat().contains("beta2 must be in [0, 1), found 1.0");
        e = assertThrows(IllegalArgumentException.class, () -> new AdamW().setLr(Double.NaN));
        assertThat(e).hasMessageThat().contains("lr must be finite and >= 0, found NaN");
    }

    @Test
    void defaultsArePyTorchs() {
        AdamW adamW = new AdamW();
        assertThat(adamW.lr()).isEqualTo(1e-3);
        assertThat(adamW.beta1()).isEqualTo(0.9);
        assertThat(adamW.beta2()).isEqualTo(0.999);
        assertThat(adamW.eps()).isEqualTo(1e-8);
        assertThat(adamW.weightDecay()).isEqualTo(0.01);
        assertThat(adamW.toString()).isEqualTo("AdamW(lr=0.001, beta1=0.9, beta2=0.999, eps=1.0E-8, weightDecay=0.01)");
    }
}
