package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedundantActivationTest extends RuleCompilationTest {
    private final RedundantActivation rule = new RedundantActivation();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {1, 6, 6}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@ReLU Layer relu1();",
                "@AvgPool2d(2) Layer pool1();",
                "@ReLU Layer relu2();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "relu2()";
    }

    @Override
    protected String message() {
        return "[Lamina/RedundantActivation] two activations in a row: ReLU 'relu2' (line 10) is applied "
                + "to the output of ReLU 'relu1' (line 8) through average pool 'pool1', which is already >= "
                + "0, so it has no effect";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {1, 6, 6}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@ReLU Layer relu1();",
                "@AvgPool2d(2) Layer pool1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    @Test
    void irReluAfterReluThroughPoolAndDropoutHasNoEffect() {
        List<Finding> f = check(rule, Ir.input(1, 8, 8).conv("c", 2, 3).relu("r1").maxPool("p", 2)
                .dropout("d", 0.2).relu("r2").build());
        assertThat(at(f)).containsExactly("r2");
        assertThat(f.get(0).why()).isEqualTo("ReLU 'r2' is applied to the output of ReLU 'r1' through max pool 'p'"
                + " and dropout 'd', which is already >= 0, so it has no effect");
        assertThat(f.get(0).fix()).isEqualTo("remove 'r2'");
    }

    @Test
    void irOtherPairsOnlyWhenAdjacent() {
        assertThat(at(check(rule, Ir.input(8).dense("h", 4).relu("r").tanh("t").build()))).containsExactly("t");
        assertThat(check(rule, Ir.input(1, 8, 8).conv("c", 2, 3).relu("r").maxPool("p", 2).tanh("t").build()))
                .isEmpty();
        List<Finding> leaky = check(rule, Ir.input(8).activation("a", Function.LEAKY_RELU, 0.1)
                .activation("b", Function.LEAKY_RELU, 0.2).build());
        assertThat(leaky.get(0).why()).contains("one LeakyReLU with slope 0.02");
    }

    @Test
    void irSoftmaxAndSeparatedActivationsAreNotThisRule() {
        assertThat(check(rule, Ir.input(8).dense("h", 4).relu("r").softmax("p").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("h", 4).relu("r").dense("o", 4).relu("r2").build())).isEmpty();
    }
}
