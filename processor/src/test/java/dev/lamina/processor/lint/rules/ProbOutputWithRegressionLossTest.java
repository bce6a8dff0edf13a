package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import org.junit.jupiter.api.Test;

class ProbOutputWithRegressionLossTest extends RuleCompilationTest {
    private final ProbOutputWithRegressionLoss rule = new ProbOutputWithRegressionLoss();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8, loss = Loss.MSE",
                "@Dense(3) Layer out();",
                "@Softmax Layer probs();");
    }

    @Override
    protected String line() {
        return "probs()";
    }

    @Override
    protected String message() {
        return "[Lamina/ProbOutputWithRegressionLoss] softmax probabilities trained with a regression "
                + "loss: MSE is applied to the probabilities of Softmax 'probs' (line 8): its gradient "
                + "passes through the softmax Jacobian and vanishes when a class saturates, even the wrong "
                + "one";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8, loss = Loss.SOFTMAX_CROSS_ENTROPY",
                "@Dense(3) Layer out();");
    }

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
