package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import dev.lamina.processor.lint.Textbook;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PreActivationWithoutFinalActivationTest extends RuleCompilationTest {
    private final PreActivationWithoutFinalActivation rule = new PreActivationWithoutFinalActivation();

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
                "@Repeat(value = Unit.class, times = 2) Layer stage();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer out();",
                "@Block interface Unit {",
                "    @Residual(PreAct.class) Layer res();",
                "}",
                "@Block interface PreAct {",
                "    @BatchNorm Layer bnA();",
                "    @ReLU Layer reluA();",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convA();",
                "    @BatchNorm Layer bnB();",
                "    @ReLU Layer reluB();",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convB();",
                "}");
    }

    @Override
    protected String line() {
        return "gap()";
    }

    @Override
    protected String message() {
        return "[Lamina/PreActivationWithoutFinalActivation] pre-activation network without batch norm and activation"
                + " after its last addition: this is a pre-activation network (its last unit's body PreAct starts"
                + " with batch norm 'stage[1].res.bnA' (line 15) and ReLU 'stage[1].res.reluA' (line 16)), but the"
                + " sum of residual addition 'stage[1].res' (line 12) goes to global average pool 'gap' (line 9)"
                + " without a batch norm and an activation";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {4, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv();",
                "@Repeat(value = Unit.class, times = 2) Layer stage();",
                "@BatchNorm Layer bnFinal();",
                "@ReLU Layer reluFinal();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer out();",
                "@Block interface Unit {",
                "    @Residual(PreAct.class) Layer res();",
                "}",
                "@Block interface PreAct {",
                "    @BatchNorm Layer bnA();",
                "    @ReLU Layer reluA();",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convA();",
                "    @BatchNorm Layer bnB();",
                "    @ReLU Layer reluB();",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convB();",
                "}");
    }

    private static List<Finding> preActThen(UnaryOperator<Ir> head) {
        Ir ir = Ir.input(4, 8, 8).convSame("conv", 4, 3, 1, false)
                .repeat("stage", 2, u -> u.residual("res", b -> b.batchNorm("bnA").relu("reluA")
                        .convSame("convA", 4, 3, 1, false).batchNorm("bnB").relu("reluB")
                        .convSame("convB", 4, 3, 1, false)));
        return check(new PreActivationWithoutFinalActivation(), head.apply(ir).build());
    }

    @Test
    void irMissingHeadIsReportedOnTheLayerAfterTheLastAddition() {
        List<Finding> f = preActThen(h -> h.globalAvgPool("gap").dense("fc", 10));
        assertThat(at(f)).containsExactly("gap");
        assertThat(f.get(0).fix()).isEqualTo("add @BatchNorm and an activation such as @ReLU right after"
                + " 'stage[1].res', before 'gap'");
        assertThat(at(preActThen(h -> h.flatten("flat").dense("fc", 10)))).containsExactly("flat");
        assertThat(at(preActThen(h -> h.relu("relu").globalAvgPool("gap").dense("fc", 10)))).containsExactly("relu");
        assertThat(preActThen(h -> h.relu("relu").globalAvgPool("gap").dense("fc", 10)).get(0).why())
                .contains("without a batch norm before the activation");
        assertThat(at(preActThen(h -> h.batchNorm("bn").globalAvgPool("gap").dense("fc", 10)))).containsExactly("bn");
        // A model that ends with the addition: reported on it.
        assertThat(at(preActThen(h -> h))).containsExactly("stage[1].res");
    }

    @Test
    void irWithTheFinalBatchNormAndActivationItIsFine() {
        assertThat(preActThen(h -> h.batchNorm("bn").relu("relu").globalAvgPool("gap").dense("fc", 10))).isEmpty();
        assertThat(check(rule, Textbook.preActResnet())).isEmpty();
    }

    @Test
    void irOriginalUnitsAndAConvAfterTheLastUnitAreNotMatched() {
        assertThat(check(rule, Textbook.resnetBasic())).isEmpty();
        assertThat(check(rule, Textbook.resnetBottleneck())).isEmpty();
        assertThat(check(rule, Textbook.denseNetBC())).isEmpty();
        assertThat(preActThen(h -> h.convSame("next", 8, 3, 2, false).batchNorm("bn").relu("relu")
                .globalAvgPool("gap").dense("fc", 10))).isEmpty();
    }
}
