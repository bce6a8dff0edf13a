package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class StochasticLayerAfterOutputTest extends RuleCompilationTest {
    private final StochasticLayerAfterOutput rule = new StochasticLayerAfterOutput();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8",
                "@Dense(4) Layer hidden();",
                "@ReLU Layer relu();",
                "@Dense(3) Layer out();",
                "@Dropout(rate = 0.5) Layer drop();");
    }

    @Override
    protected String line() {
        return "drop()";
    }

    @Override
    protected String message() {
        return "[Lamina/StochasticLayerAfterOutput] dropout after the last weight layer perturbs the "
                + "model's output: dropout 'drop' (line 10) comes after the last weight layer, dense 'out' "
                + "(line 9), so in training the loss sees outputs with random units set to 0 and the others "
                + "scaled by 1/(1 - 0.5), which inference never does";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8",
                "@Dense(4) Layer hidden();",
                "@ReLU Layer relu();",
                "@Dropout(rate = 0.5) Layer drop();",
                "@Dense(3) Layer out();");
    }

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

    /** After an addition the dropout follows two weight layers; it is reported once. */
    @Test
    void irAfterAnAdditionReportedOnce() {
        List<Finding> f = check(rule, Ir.input(8).dense("h", 8).residual("res", b -> b.dense("fc1", 8),
                s -> s.dense("proj", 8)).dropout("d", 0.5).build());
        assertThat(at(f)).containsExactly("d");
    }
}
