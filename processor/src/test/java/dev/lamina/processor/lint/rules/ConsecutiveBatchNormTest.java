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

class ConsecutiveBatchNormTest extends RuleCompilationTest {
    private final ConsecutiveBatchNorm rule = new ConsecutiveBatchNorm();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {1, 6, 6}",
                "@Conv2d(filters = 2, kernel = 3, bias = false) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@Flatten Layer flatten();",
                "@BatchNorm Layer bn2();",
                "@ReLU Layer relu();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "bn2()";
    }

    @Override
    protected String message() {
        return "[Lamina/ConsecutiveBatchNorm] batch norm directly after batch norm: batch norm 'bn2' "
                + "(line 10) normalises the output of batch norm 'bn1' (line 8) through flatten 'flatten', "
                + "which is already normalised up to its learned scale and shift, so one of the two is "
                + "redundant";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {1, 6, 6}",
                "@Conv2d(filters = 2, kernel = 3, bias = false) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@Flatten Layer flatten();",
                "@ReLU Layer relu();",
                "@Dense(2) Layer out();");
    }

    @Test
    void irSecondBatchNormIsReported() {
        List<Finding> f = check(rule, Ir.input(1, 4, 4).conv("c", 2, 3, 1, false).batchNorm("bn1").flatten("f")
                .batchNorm("bn2").build());
        assertThat(at(f)).containsExactly("bn2");
        assertThat(f.get(0).why()).startsWith("batch norm 'bn2' normalises the output of batch norm 'bn1' through"
                + " flatten 'f'");
    }

    @Test
    void irAnythingButFlattenBetweenIsFine() {
        assertThat(check(rule, Ir.input(8).batchNorm("bn1").relu("r").batchNorm("bn2").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).batchNorm("bn1").dropout("d", 0.1).batchNorm("bn2").build())).isEmpty();
    }
}
