package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.dsl.Loss;
import dev.lamina.processor.lint.Ir;
import org.junit.jupiter.api.Test;

class ProbOutputWithRegressionLossTest {
    private final ProbOutputWithRegressionLoss rule = new ProbOutputWithRegressionLoss();

    @Test
    void irSoftmaxUnderMse() {
        assertThat(at(check(rule, Ir.input(8).dense("out", 3).softmax("p").build(Loss.MSE)))).containsExactly("p");
    }

    @Test
    void irSigmoidRegressionAndLogitsLossesAreNotThisRule() {
        assertThat(check(rule, Ir.input(8).dense("out", 3).sigmoid("s").build(Loss.MSE))).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 3).softmax("p").build())).isEmpty();
    }
}
