package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.dsl.Loss;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import org.junit.jupiter.api.Test;

class SigmoidWithCategoricalCETest {
    private final SigmoidWithCategoricalCE rule = new SigmoidWithCategoricalCE();

    @Test
    void irSigmoidUnderSoftmaxLoss() {
        List<Finding> f = check(rule, Ir.input(8).dense("out", 2).sigmoid("s").build());
        assertThat(at(f)).containsExactly("s");
        // e / (e + 1) = 0.731, -ln(0.731) = 0.313
        assertThat(f.get(0).why()).contains("above 0.731 and the loss cannot fall below 0.313 (2 classes)");
    }

    @Test
    void irOtherCasesAreNotThisRule() {
        assertThat(check(rule, Ir.input(8).dense("out", 2).sigmoid("s").build(Loss.SIGMOID_BINARY_CROSS_ENTROPY)))
                .isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 1).sigmoid("s").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("h", 4).sigmoid("s").dense("out", 2).build())).isEmpty();
    }
}
