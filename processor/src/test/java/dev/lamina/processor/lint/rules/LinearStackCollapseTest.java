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

class LinearStackCollapseTest extends RuleCompilationTest {
    private final LinearStackCollapse rule = new LinearStackCollapse();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 16",
                "@Dense(value = 8, bias = false) Layer fc1();",
                "@BatchNorm Layer bn1();",
                "@Dense(4) Layer fc2();",
                "@ReLU Layer relu2();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "fc1()";
    }

    @Override
    protected String message() {
        return "[Lamina/LinearStackCollapse] two weight layers with no activation between collapse into "
                + "one: dense 'fc1' (line 7) feeds dense 'fc2' (line 9) through batch norm 'bn1' with no "
                + "activation between, so at inference the two compute one affine map of rank at most 4 and "
                + "the second adds parameters but no capacity";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 16",
                "@Dense(value = 8, bias = false) Layer fc1();",
                "@BatchNorm Layer bn1();",
                "@ReLU Layer relu1();",
                "@Dense(4) Layer fc2();",
                "@ReLU Layer relu2();",
                "@Dense(2) Layer out();");
    }

    @Test
    void irDenseDenseGivesTheRankBound() {
        List<Finding> f = check(rule, Ir.input(784).dense("fc1", 64).dense("fc2", 100).build());
        assertThat(at(f)).containsExactly("fc1");
        assertThat(f.get(0).why()).contains("dense 'fc1' feeds dense 'fc2' with no activation between");
        assertThat(f.get(0).why()).contains("rank at most 64");
    }

    @Test
    void irThroughAffineLayers() {
        List<Finding> f = check(rule, Ir.input(3, 8, 8).conv("c1", 8, 3).batchNorm("bn").dropout("d", 0.1)
                .avgPool("a", 2).flatten("f").dense("fc", 10).build());
        assertThat(at(f)).containsExactly("c1");
        assertThat(f.get(0).why()).contains(
                "through batch norm 'bn', dropout 'd', average pool 'a' and flatten 'f'");
        // 3x8x8 = 192 in, 8x6x6 = 288 after the conv, 8x3x3 = 72 after pooling, 10 out
        assertThat(f.get(0).why()).contains("rank at most 10");
    }

    @Test
    void irActivationOrMaxPoolBetweenIsNonlinear() {
        assertThat(check(rule, Ir.input(8).dense("fc1", 4).relu("r").dense("fc2", 2).build())).isEmpty();
        assertThat(check(rule, Ir.input(1, 8, 8).conv("c1", 4, 3).maxPool("p", 2).conv("c2", 4, 3).build()))
                .isEmpty();
    }

    /** The second conv reads the sum with another path, which may be nonlinear: not a collapse. */
    @Test
    void irNotAcrossAnAddition() {
        assertThat(check(rule, Ir.input(4, 8, 8).convSame("c", 4, 3, 1, false).relu("r")
                .residual("res", b -> b.convSame("convA", 4, 3, 1, false).relu("rA").convSame("convB", 4, 3, 1, false))
                .convSame("after", 4, 3, 1, false).relu("r2").dense("fc", 2).build())).isEmpty();
    }

    /** A plain stem conv followed by a unit with a projection shortcut: the stem's output is needed by both paths. */
    @Test
    void irNotFromALayerWhoseOutputForks() {
        assertThat(check(rule, Ir.input(3, 8, 8).convSame("stem", 4, 3, 1, false)
                .residual("res", b -> b.batchNorm("bn1").relu("relu1").convSame("conv1", 8, 3, 2, false),
                        s -> s.convSame("proj", 8, 1, 2, false))
                .batchNorm("bn").relu("relu").globalAvgPool("gap").dense("fc", 2).build())).isEmpty();
    }

    @Test
    void irInsideABodyAndThroughGlobalPooling() {
        assertThat(at(check(rule, Ir.input(4, 8, 8).residual("res", b -> b.convSame("convA", 4, 3, 1, false)
                .batchNorm("bnA").convSame("convB", 4, 3, 1, false)).relu("r").dense("fc", 2).build())))
                .containsExactly("res.convA");
        assertThat(at(check(rule, Ir.input(4, 8, 8).convSame("last", 8, 3, 1).globalAvgPool("gap").dense("fc", 2)
                .build()))).containsExactly("last");
    }
}
