package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import org.junit.jupiter.api.Test;

class DropoutActivationCommuteTest extends RuleCompilationTest {
    private final DropoutActivationCommute rule = new DropoutActivationCommute();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8",
                "@Dense(4) Layer fc1();",
                "@Dropout(rate = 0.2) Layer drop1();",
                "@ReLU Layer relu1();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "drop1()";
    }

    @Override
    protected String message() {
        return "[Lamina/DropoutActivationCommute] dropout between a weight layer and its activation: ReLU "
                + "'relu1' (line 9) is positively homogeneous, so dropout 'drop1' (line 8) before it gives "
                + "the same result, mask for mask, as dropout after it; weight -> activation -> dropout "
                + "keeps 'fc1' next to its activation";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8",
                "@Dense(4) Layer fc1();",
                "@ReLU Layer relu1();",
                "@Dropout(rate = 0.2) Layer drop1();",
                "@Dense(2) Layer out();");
    }

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
