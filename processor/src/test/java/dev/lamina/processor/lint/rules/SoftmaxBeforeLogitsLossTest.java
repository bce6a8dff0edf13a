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

class SoftmaxBeforeLogitsLossTest extends RuleCompilationTest {
    private final SoftmaxBeforeLogitsLoss rule = new SoftmaxBeforeLogitsLoss();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8",
                "@Dense(10) Layer out();",
                "@Softmax Layer probs();");
    }

    @Override
    protected String line() {
        return "probs()";
    }

    @Override
    protected String message() {
        return "[Lamina/SoftmaxBeforeLogitsLoss] softmax output under a loss that applies softmax itself: "
                + "SOFTMAX_CROSS_ENTROPY applies softmax itself, so Softmax 'probs' (line 8) makes it a "
                + "double softmax: no class can get a probability above 0.232 and the loss cannot fall below "
                + "1.46 (10 classes), and the gradients are weak";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8",
                "@Dense(10) Layer out();");
    }

    @Test
    void irDoubleSoftmaxGivesTheBoundForTheClassCount() {
        List<Finding> f = check(rule, Ir.input(8).dense("out", 10).softmax("p").build());
        assertThat(at(f)).containsExactly("p");
        // e / (e + 9) = 0.2320, -ln(0.2320) = 1.461
        assertThat(f.get(0).why()).contains("above 0.232 and the loss cannot fall below 1.46 (10 classes)");
    }

    @Test
    void irNoSoftmaxOrOneUnitOrOtherLossIsNotThisRule() {
        assertThat(check(rule, Ir.input(8).dense("out", 10).build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 1).softmax("p").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 10).softmax("p").build(Loss.MSE))).isEmpty();
    }
}
