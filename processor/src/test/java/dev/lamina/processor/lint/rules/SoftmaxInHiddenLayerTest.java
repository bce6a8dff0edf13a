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

class SoftmaxInHiddenLayerTest extends RuleCompilationTest {
    private final SoftmaxInHiddenLayer rule = new SoftmaxInHiddenLayer();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8",
                "@Dense(4) Layer hidden();",
                "@Softmax Layer attn();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "attn()";
    }

    @Override
    protected String message() {
        return "[Lamina/SoftmaxInHiddenLayer] softmax used as a hidden activation: Softmax 'attn' "
                + "(line 8) feeds dense 'out' (line 9): as a hidden activation it makes the units compete "
                + "(they sum to 1), saturates as soon as one dominates and scales down every gradient "
                + "through it";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8",
                "@Dense(4) Layer hidden();",
                "@ReLU Layer attn();",
                "@Dense(2) Layer out();");
    }

    @Test
    void irSoftmaxFeedingALayer() {
        List<Finding> f = check(rule, Ir.input(8).dense("h", 4).softmax("sm").dropout("d", 0.1).dense("out", 2)
                .build());
        assertThat(at(f)).containsExactly("sm");
        assertThat(f.get(0).why()).startsWith("Softmax 'sm' feeds dense 'out' through dropout 'd'");
    }

    @Test
    void irOutputSoftmaxIsFine() {
        assertThat(check(rule, Ir.input(8).dense("out", 2).softmax("p").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 2).softmax("p").dropout("d", 0.1).build())).isEmpty();
    }
}
