package dev.lamina.runtime.optim;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.model.Parameter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Exporting and importing optimizer state continues a run exactly. */
class OptimizerStateTest {
    private static List<Parameter> parameters() {
        return List.of(Parameter.of("w", Nd4j.createFromArray(new float[][] {{0.5f, -1f}, {2f, 0.25f}})),
                Parameter.of("b", Nd4j.createFromArray(new float[] {0.1f, -0.2f})));
    }

    /** Sets gradients that depend on the step and the values, then steps. */
    private static void step(Optimizer optimizer, List<Parameter> params, int t) {
        for (Parameter p : params) {
            p.grad().assign(p.value().mul(0.3).add(0.1 * (t + 1)));
        }
        optimizer.step(params);
    }

    private static void assertContinuesExactly(Supplier<Optimizer> factory) {
        List<Parameter> straight = parameters();
        Optimizer a = factory.get();
        for (int t = 0; t < 5; t++) {
            step(a, straight, t);
        }

        List<Parameter> first = parameters();
        Optimizer b = factory.get();
        for (int t = 0; t < 3; t++) {
            step(b, first, t);
        }
        Map<String, INDArray> state = b.state(first);
        List<Parameter> second = parameters();
        for (int i = 0; i < first.size(); i++) {
            second.get(i).value().assign(first.get(i).value());
        }
        Optimizer c = factory.get();
        c.loadState(second, Map.copyOf(state));
        for (int t = 3; t < 5; t++) {
            step(c, second, t);
        }

        for (int i = 0; i < straight.size(); i++) {
            assertThat(second.get(i).value()).isEqualTo(straight.get(i).value());
        }
    }

    @Test
    void adamContinuesExactly() {
        assertContinuesExactly(() -> Adam.builder().lr(0.05).weightDecay(0.01).build());
    }

    @Test
    void adamWContinuesExactly() {
        assertContinuesExactly(() -> AdamW.builder().lr(0.05).weightDecay(0.1).build());
    }

    @Test
    void sgdWithMomentumContinuesExactly() {
        assertContinuesExactly(() -> Sgd.builder(0.05).momentum(0.9).nesterov(true).build());
    }

    @Test
    void stateOfUnknownParametersOrShapesIsRejected() {
        List<Parameter> params = parameters();
        Adam adam = new Adam();
        step(adam, params, 0);
        Map<String, INDArray> state = adam.state(params);

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new Adam().loadState(params, Map.of("v/exp_avg", Nd4j.zeros(DataType.FLOAT, 2))));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> new Adam().loadState(params, Map.of("b/exp_avg", Nd4j.zeros(DataType.FLOAT, 3),
                        "b/exp_avg_sq", state.get("b/exp_avg_sq"), "b/step", state.get("b/step"))));
        IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
                () -> new Adam().loadState(params, Map.of("b/exp_avg", state.get("b/exp_avg"))));
        IllegalArgumentException stateless = assertThrows(IllegalArgumentException.class,
                () -> ((Optimizer) ps -> { }).loadState(params, state));

        assertThat(unknown).hasMessageThat().contains("state v/exp_avg names no parameter/slot");
        assertThat(shape).hasMessageThat().contains("state b/exp_avg has shape [3] but b has [2]");
        assertThat(partial).hasMessageThat().contains("state of b needs exp_avg, exp_avg_sq and step");
        assertThat(stateless).hasMessageThat().contains("keeps no state");
    }
}
