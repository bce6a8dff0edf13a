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

class FusionBlockingOrderTest extends RuleCompilationTest {
    private final FusionBlockingOrder rule = new FusionBlockingOrder();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8",
                "@Dense(4) Layer fc1();",
                "@ReLU Layer relu1();",
                "@BatchNorm Layer bn1();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "bn1()";
    }

    @Override
    protected String[] enable() {
        return new String[] {"-Alamina.lint.FusionBlockingOrder=NOTE"};
    }

    @Override
    protected String message() {
        return "[Lamina/FusionBlockingOrder] batch norm after the activation cannot be folded into the "
                + "weight layer: batch norm 'bn1' (line 9) follows ReLU 'relu1' (line 8) rather than dense "
                + "'fc1' (line 7), so it cannot be folded into the weights of 'fc1' for inference, nor fused "
                + "with it";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8",
                "@Dense(value = 4, bias = false) Layer fc1();",
                "@BatchNorm Layer bn1();",
                "@ReLU Layer relu1();",
                "@Dense(2) Layer out();");
    }

    @Test
    void irWeightActivationBatchNorm() {
        List<Finding> f = check(rule, Ir.input(8).dense("fc", 4).relu("r").batchNorm("bn").build());
        assertThat(at(f)).containsExactly("bn");
        assertThat(f.get(0).fix()).isEqualTo("if the order is not deliberate (Chen et al. 2019 argue for it), move"
                + " 'bn' between 'fc' and 'r'");
    }

    @Test
    void irWeightBatchNormActivationIsFine() {
        assertThat(check(rule, Ir.input(8).dense("fc", 4, false).batchNorm("bn").relu("r").build())).isEmpty();
    }
}
