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
import dev.lamina.processor.lint.Textbook;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReLUBeforeAdditionTest extends RuleCompilationTest {
    private final ReLUBeforeAddition rule = new ReLUBeforeAddition();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected boolean usesBlocks() {
        return true;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {4, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@Residual(Body.class) Layer res();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer out();",
                "@Block interface Body {",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convA();",
                "    @BatchNorm Layer bnA();",
                "    @ReLU Layer reluA();",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convB();",
                "    @BatchNorm Layer bnB();",
                "    @ReLU Layer reluB();",
                "}");
    }

    @Override
    protected String line() {
        return "reluB()";
    }

    @Override
    protected String message() {
        return "[Lamina/ReLUBeforeAddition] residual branch ends in a ReLU, so it can only add: ReLU 'res.reluB'"
                + " (line 19) ends the residual branch Body of residual addition 'res' (line 10), so the branch's"
                + " output is never negative and each addition can only increase the signal";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {4, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@Residual(Body.class) Layer res();",
                "@ReLU Layer reluAfterAdd();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer out();",
                "@Block interface Body {",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convA();",
                "    @BatchNorm Layer bnA();",
                "    @ReLU Layer reluA();",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convB();",
                "    @BatchNorm Layer bnB();",
                "}");
    }

    @Test
    void irReluAtTheEndOfTheBodyIsReported() {
        List<Finding> f = check(rule, Ir.input(4, 8, 8).convSame("c", 4, 3, 1, false).batchNorm("bn").relu("r")
                .residual("res", b -> b.convSame("convA", 4, 3, 1, false).batchNorm("bnA").relu("reluA"))
                .globalAvgPool("gap").dense("fc", 2).build());
        assertThat(at(f)).containsExactly("res.reluA");
        assertThat(f.get(0).why()).contains("7.84% test error against 6.61%");
        assertThat(f.get(0).related().get(0).name()).isEqualTo("res");
    }

    @Test
    void irThroughDropoutAndPoolingAndForSigmoid() {
        assertThat(at(check(rule, Ir.input(4, 8, 8).residual("res", b -> b.convSame("convA", 4, 3, 1, false)
                .relu("reluA").dropout("d", 0.1)).dense("fc", 2).build()))).containsExactly("res.reluA");
        assertThat(at(check(rule, Ir.input(8).residual("res", b -> b.dense("fc1", 8).sigmoid("s"))
                .dense("fc", 2).build()))).containsExactly("res.s");
    }

    @Test
    void irActivationsWithNegativeOutputsAndTheShortcutAreNotMatched() {
        assertThat(check(rule, Ir.input(8).residual("res", b -> b.dense("fc1", 8).tanh("t")).dense("fc", 2).build()))
                .isEmpty();
        assertThat(check(rule, Ir.input(8).residual("res", b -> b.dense("fc1", 8).activation("l", Function.LEAKY_RELU,
                0.1)).dense("fc", 2).build())).isEmpty();
        // A ReLU before the block reaches the addition on the identity shortcut, not on the body.
        assertThat(check(rule, Ir.input(8).dense("h", 8).relu("r").residual("res", b -> b.dense("fc1", 8))
                .dense("fc", 2).build())).isEmpty();
    }

    @Test
    void irTextbookUnitsAreNotMatched() {
        assertThat(check(rule, Textbook.resnetBasic())).isEmpty();
        assertThat(check(rule, Textbook.resnetBottleneck())).isEmpty();
        assertThat(check(rule, Textbook.preActResnet())).isEmpty();
    }
}
