package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoftmaxWithBinaryCETest extends RuleCompilationTest {
    private final SoftmaxWithBinaryCE rule = new SoftmaxWithBinaryCE();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8, loss = Loss.SIGMOID_BINARY_CROSS_ENTROPY",
                "@Dense(3) Layer out();",
                "@Softmax Layer probs();");
    }

    @Override
    protected String line() {
        return "probs()";
    }

    @Override
    protected String message() {
        return "[Lamina/SoftmaxWithBinaryCE] softmax output under a sigmoid loss: "
                + "SIGMOID_BINARY_CROSS_ENTROPY applies a sigmoid to the probabilities of Softmax 'probs' "
                + "(line 8), so every prediction lies in [0.5, 0.731]: no unit can ever be predicted absent, "
                + "and targets of 0 are out of reach";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8, loss = Loss.SOFTMAX_CROSS_ENTROPY",
                "@Dense(3) Layer out();");
    }

    @Test
    void irSoftmaxOutputUnderSigmoidLoss() {
        List<Finding> f = check(rule, Ir.input(8).dense("out", 3).softmax("p").build(Loss.SIGMOID_BINARY_CROSS_ENTROPY));
        assertThat(at(f)).containsExactly("p");
        assertThat(f.get(0).why()).contains("[0.5, 0.731]");
    }

    @Test
    void irSoftmaxOutputSeenThroughTrailingDropout() {
        assertThat(at(check(rule, Ir.input(8).dense("out", 3).softmax("p").dropout("d", 0.1)
                .build(Loss.SIGMOID_BINARY_CROSS_ENTROPY)))).containsExactly("p");
    }

    @Test
    void irOtherLossesOrNoSoftmaxAreNotThisRule() {
        assertThat(check(rule, Ir.input(8).dense("out", 3).softmax("p").build(Loss.SOFTMAX_CROSS_ENTROPY))).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 3).build(Loss.SIGMOID_BINARY_CROSS_ENTROPY))).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("h", 3).softmax("p").dense("out", 2)
                .build(Loss.SIGMOID_BINARY_CROSS_ENTROPY))).isEmpty();
    }
}
