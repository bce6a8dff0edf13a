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

class SoftmaxOnSingleUnitTest extends RuleCompilationTest {
    private final SoftmaxOnSingleUnit rule = new SoftmaxOnSingleUnit();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 4",
                "@Dense(1) Layer out();",
                "@Softmax Layer prob();");
    }

    @Override
    protected String line() {
        return "prob()";
    }

    @Override
    protected String message() {
        return "[Lamina/SoftmaxOnSingleUnit] softmax over a single unit is constantly 1: Softmax 'prob' "
                + "(line 8) normalises the 1 unit of dense 'out' (line 7), so it outputs 1.0 for every "
                + "example and passes back a zero gradient";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 4",
                "@Dense(2) Layer out();");
    }

    @Test
    void irSoftmaxOverOneUnit() {
        List<Finding> f = check(rule, Ir.input(4).dense("out", 1).softmax("prob").build(Loss.MSE));
        assertThat(at(f)).containsExactly("prob");
        assertThat(f.get(0).why()).contains("Softmax 'prob' normalises the 1 unit of dense 'out'");
    }

    @Test
    void irLogitsLossOnOneUnitPointsAtTheUnits() {
        List<Finding> f = check(rule, Ir.input(4).dense("out", 1).build(Loss.SOFTMAX_CROSS_ENTROPY));
        assertThat(at(f)).containsExactly("out");
        assertThat(f.get(0).member()).isEqualTo("value");
        assertThat(f.get(0).why()).contains("loss is 0 for every example");
    }

    @Test
    void irSoftmaxOverOneUnitUnderSoftmaxLossIsReportedOnce() {
        assertThat(at(check(rule, Ir.input(4).dense("out", 1).softmax("prob").build())))
                .containsExactly("prob");
    }

    @Test
    void irTwoUnitsAndSigmoidLossAreFine() {
        assertThat(check(rule, Ir.input(4).dense("out", 2).softmax("p").build(Loss.MSE))).isEmpty();
        assertThat(check(rule, Ir.input(4).dense("out", 2).build())).isEmpty();
        assertThat(check(rule, Ir.input(4).dense("out", 1).build(Loss.SIGMOID_BINARY_CROSS_ENTROPY))).isEmpty();
    }
}
