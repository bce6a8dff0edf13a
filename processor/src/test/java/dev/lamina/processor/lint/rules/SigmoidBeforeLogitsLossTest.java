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

class SigmoidBeforeLogitsLossTest extends RuleCompilationTest {
    private final SigmoidBeforeLogitsLoss rule = new SigmoidBeforeLogitsLoss();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8, loss = Loss.SIGMOID_BINARY_CROSS_ENTROPY",
                "@Dense(1) Layer out();",
                "@Sigmoid Layer prob();");
    }

    @Override
    protected String line() {
        return "prob()";
    }

    @Override
    protected String message() {
        return "[Lamina/SigmoidBeforeLogitsLoss] sigmoid output under a loss that applies the sigmoid "
                + "itself: SIGMOID_BINARY_CROSS_ENTROPY applies the sigmoid itself, so Sigmoid 'prob' "
                + "(line 8) makes it a double sigmoid, under which every prediction lies in [0.5, 0.731]: no "
                + "unit can ever be predicted absent, and targets of 0 are out of reach";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8, loss = Loss.SIGMOID_BINARY_CROSS_ENTROPY",
                "@Dense(1) Layer out();");
    }

    @Test
    void irDoubleSigmoid() {
        List<Finding> f = check(rule, Ir.input(8).dense("out", 1).sigmoid("s").build(Loss.SIGMOID_BINARY_CROSS_ENTROPY));
        assertThat(at(f)).containsExactly("s");
        assertThat(f.get(0).why()).contains("double sigmoid");
    }

    @Test
    void irSigmoidUnderOtherLossesOrInHiddenLayersIsNotThisRule() {
        assertThat(check(rule, Ir.input(8).dense("out", 1).sigmoid("s").build(Loss.MSE))).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("h", 4).sigmoid("s").dense("out", 1)
                .build(Loss.SIGMOID_BINARY_CROSS_ENTROPY))).isEmpty();
    }
}
