package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Ir;
import org.junit.jupiter.api.Test;

class DropoutBeforePoolingTest {
    private final DropoutBeforePooling rule = new DropoutBeforePooling();

    @Test
    void irDropoutThenPool() {
        assertThat(at(check(rule, Ir.input(1, 4, 4).dropout("d", 0.2).maxPool("p", 2).build())))
                .containsExactly("d");
        assertThat(check(rule, Ir.input(1, 4, 4).maxPool("p", 2).dropout("d", 0.2).build())).isEmpty();
    }
}
