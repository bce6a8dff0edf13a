package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import org.junit.jupiter.api.Test;

class StochasticLayerAfterOutputTest {
    private final StochasticLayerAfterOutput rule = new StochasticLayerAfterOutput();

    @Test
    void irDropoutAfterLastWeightLayer() {
        List<Finding> f = check(rule, Ir.input(8).dense("h", 4).relu("r").dense("out", 3).dropout("d", 0.5).build());
        assertThat(at(f)).containsExactly("d");
        assertThat(f.get(0).why()).contains("after the last weight layer, dense 'out'");
        assertThat(f.get(0).fix()).isEqualTo("move 'd' before 'out'");
    }

    @Test
    void irDropoutAfterOutputActivationToo() {
        assertThat(at(check(rule, Ir.input(8).dense("out", 3).softmax("p").dropout("d", 0.2).build())))
                .containsExactly("d");
    }

    @Test
    void irDropoutBeforeAWeightLayerInputDropoutOrRateZeroIsFine() {
        assertThat(check(rule, Ir.input(8).dropout("in", 0.2).dense("h", 4).dropout("d", 0.5).dense("out", 3).build()))
                .isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 3).dropout("d", 0).build())).isEmpty();
    }
}
