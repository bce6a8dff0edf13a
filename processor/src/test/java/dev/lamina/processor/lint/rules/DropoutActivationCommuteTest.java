package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.lint.Ir;
import org.junit.jupiter.api.Test;

class DropoutActivationCommuteTest {
    private final DropoutActivationCommute rule = new DropoutActivationCommute();

    @Test
    void irWeightDropoutRelu() {
        assertThat(at(check(rule, Ir.input(8).dense("fc", 4).dropout("d", 0.2).relu("r").build())))
                .containsExactly("d");
        assertThat(at(check(rule, Ir.input(8).dense("fc", 4).dropout("d", 0.2)
                .activation("l", Function.LEAKY_RELU, 0.1).build()))).containsExactly("d");
    }

    @Test
    void irNotPositivelyHomogeneousOrUsualOrder() {
        assertThat(check(rule, Ir.input(8).dense("fc", 4).dropout("d", 0.2).tanh("t").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("fc", 4).relu("r").dropout("d", 0.2).build())).isEmpty();
    }
}
