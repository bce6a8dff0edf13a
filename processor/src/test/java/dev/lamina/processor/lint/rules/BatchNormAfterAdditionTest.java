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
import org.junit.jupiter.api.Test;

class BatchNormAfterAdditionTest extends RuleCompilationTest {
    private final BatchNormAfterAddition rule = new BatchNormAfterAddition();

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
                "@BatchNorm Layer bnAfterAdd();",
                "@ReLU Layer reluAfterAdd();",
                "@Residual(Body.class) Layer res2();",
                "@ReLU Layer relu2();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer out();",
                "@Block interface Body {",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convA();",
                "    @BatchNorm Layer bnA();",
                "    @ReLU Layer reluA();",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convB();",
                "}");
    }

    @Override
    protected String line() {
        return "bnAfterAdd()";
    }

    @Override
    protected String message() {
        return "[Lamina/BatchNormAfterAddition] batch norm right after a residual addition: batch norm 'bnAfterAdd'"
                + " (line 11) normalises the sum of residual addition 'res' (line 10) and is the only layer that"
                + " reads it, so it lies on the identity path into every later unit";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {4, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@Residual(Body.class) Layer res();",
                "@ReLU Layer reluAfterAdd();",
                "@Residual(Body.class) Layer res2();",
                "@ReLU Layer relu2();",
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

    /** He et al.'s Fig. 4(b) unit, repeated: each unit's batch norm after the addition is reported. */
    @Test
    void irBatchNormAfterEachAdditionBeforeALaterUnit() {
        List<Finding> f = check(rule, Ir.input(4, 8, 8).convSame("conv", 4, 3, 1, false).batchNorm("bn").relu("relu")
                .repeat("stage", 3, u -> u.residual("res", b -> b.convSame("convA", 4, 3, 1, false).batchNorm("bnA")
                        .relu("reluA").convSame("convB", 4, 3, 1, false)).batchNorm("bn").relu("relu"))
                .globalAvgPool("gap").dense("fc", 10).build());
        // The last unit's batch norm feeds no later unit: only the first two are on an identity path.
        assertThat(at(f)).containsExactly("stage[0].bn", "stage[1].bn").inOrder();
        assertThat(f.get(0).why()).startsWith("batch norm 'stage[0].bn' normalises the sum of residual addition"
                + " 'stage[0].res' and is the only layer that reads it");
        assertThat(f.get(0).why()).contains("8.17% test error against 6.61%");
        assertThat(f.get(0).fix()).isEqualTo("move 'stage[0].bn' into the residual branch Body of 'stage[0].res',"
                + " after 'stage[0].res.convB', so that it comes before the addition");
        assertThat(f.get(0).related()).hasSize(1);
    }

    @Test
    void irPreActivationBodiesAndTheFinalBatchNormAreNotMatched() {
        assertThat(check(rule, Textbook.preActResnet())).isEmpty();
        assertThat(check(rule, Textbook.resnetBasic())).isEmpty();
        assertThat(check(rule, Textbook.resnetBottleneck())).isEmpty();
    }

    @Test
    void irBatchNormAfterAConcatenationIsNotMatched() {
        assertThat(check(rule, Textbook.denseNetBC())).isEmpty();
    }

    @Test
    void irThroughFlattenOnVectors() {
        List<Finding> f = check(rule, Ir.input(8).dense("h", 8).relu("r")
                .residual("res", b -> b.dense("fc1", 8).relu("r1").dense("fc2", 8)).batchNorm("bn").relu("r2")
                .residual("res2", b -> b.dense("fc1", 8).relu("r1").dense("fc2", 8)).relu("r3")
                .dense("out", 2).build());
        assertThat(at(f)).containsExactly("bn");
    }
}
