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

class SigmoidWithCategoricalCETest extends RuleCompilationTest {
    private final SigmoidWithCategoricalCE rule = new SigmoidWithCategoricalCE();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8",
                "@Dense(2) Layer out();",
                "@Sigmoid Layer prob();");
    }

    @Override
    protected String line() {
        return "prob()";
    }

    @Override
    protected String message() {
        return "[Lamina/SigmoidWithCategoricalCE] sigmoid output under a softmax loss: "
                + "SOFTMAX_CROSS_ENTROPY applies softmax to the outputs of Sigmoid 'prob' (line 8), which "
                + "lie in (0, 1), so no class can get a probability above 0.731 and the loss cannot fall "
                + "below 0.313 (2 classes)";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8",
                "@Dense(2) Layer out();");
    }

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
