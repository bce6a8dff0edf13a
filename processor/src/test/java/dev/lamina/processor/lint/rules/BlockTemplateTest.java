package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlockTemplateTest extends RuleCompilationTest {
    private final BlockTemplate rule = new BlockTemplate();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {1, 8, 8}",
                "@Conv2d(filters = 2, kernel = 3, bias = false) Layer conv1();",
                "@ReLU Layer relu1();",
                "@BatchNorm Layer bn1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "conv1()";
    }

    @Override
    protected String[] enable() {
        return new String[] {"-Alamina.lint.BlockTemplate.template=classic"};
    }

    @Override
    protected String message() {
        return "[Lamina/BlockTemplate] layer block deviates from the project's block template: template "
                + "classic (weight -> batch norm -> activation) expects a batch norm after conv 'conv1' "
                + "(line 7), but finds ReLU 'relu1' (line 8)";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {1, 8, 8}",
                "@Conv2d(filters = 2, kernel = 3, bias = false) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@ReLU Layer relu1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    /** conv → BN → ReLU → pool blocks (Ioffe & Szegedy's order). */
    private static final ModelIR CLASSIC = Ir.input(1, 12, 12).conv("c1", 4, 3, 1, false).batchNorm("b1").relu("a1")
            .maxPool("p1", 2).conv("c2", 4, 3, 1, false).batchNorm("b2").relu("a2").flatten("f").dense("out", 2)
            .build();

    /** conv → ReLU → BN → dropout blocks (Chen et al.'s IC layer before each weight layer). */
    private static final ModelIR IC = Ir.input(1, 12, 12).conv("c1", 4, 3).relu("a1").batchNorm("b1")
            .dropout("d1", 0.1).conv("c2", 4, 3).relu("a2").flatten("f").batchNorm("b2").dropout("d2", 0.1)
            .dense("out", 2).build();

    private static List<Finding> check(BlockTemplate rule, ModelIR model, String template) {
        return Ir.check(rule, model, Map.of("template", template));
    }

    @Test
    void irNothingWithoutATemplate() {
        assertThat(Ir.check(rule, IC)).isEmpty();
    }

    @Test
    void irClassicAcceptsClassicAndReportsIcBlocks() {
        assertThat(check(rule, CLASSIC, "classic")).isEmpty();
        List<Finding> f = check(rule, IC, "classic");
        assertThat(at(f)).containsExactly("c1", "c2");
        assertThat(f.get(0).why()).isEqualTo("template classic (weight -> batch norm -> activation) expects a batch"
                + " norm after conv 'c1', but finds ReLU 'a1'");
    }

    @Test
    void irPreactAgreesWithClassicInsideAPlainStack() {
        assertThat(check(rule, CLASSIC, "preact")).isEmpty();
        List<Finding> f = check(rule, IC, "preact");
        assertThat(at(f)).containsExactly("c2", "out");
        assertThat(f.get(0).why()).contains("expects an activation before conv 'c2', but finds batch norm 'b1'");
    }

    @Test
    void irIcAcceptsIcAndReportsClassicBlocks() {
        assertThat(check(rule, IC, "ic")).isEmpty();
        List<Finding> f = check(rule, CLASSIC, "ic");
        assertThat(at(f)).containsExactly("c2", "out");
        assertThat(f.get(0).why()).contains("expects a dropout before conv 'c2', but finds max pool 'p1'");
    }
}
