package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.Textbook;
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
        return "[Lamina/ConsecutiveBatchNorm] batch norm after batch norm with no weight layer between: batch norm 'bn2' "
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
    void irAnElementwiseActivationBetweenIsReported_BnReluBn() {
        List<Finding> f = check(rule, Ir.input(8).batchNorm("bn1").relu("r").batchNorm("bn2").build());
        assertThat(at(f)).containsExactly("bn2");
        assertThat(f.get(0).why()).isEqualTo("batch norm 'bn2' normalises the output of batch norm 'bn1' through ReLU"
                + " 'r' with no weight layer between, so it re-normalises values that 'bn1' normalised and only an"
                + " elementwise function changed since; one of the two is redundant or misplaced");
    }

    @Test
    void irPoolingDropoutOrWeightsBetweenAreFine() {
        assertThat(check(rule, Ir.input(8).batchNorm("bn1").dropout("d", 0.1).batchNorm("bn2").build())).isEmpty();
        assertThat(check(rule, Ir.input(1, 4, 4).batchNorm("bn1").maxPool("p", 2).batchNorm("bn2").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).batchNorm("bn1").relu("r").dense("h", 8).batchNorm("bn2").build()))
                .isEmpty();
        assertThat(check(rule, Ir.input(8).batchNorm("bn1").softmax("s").batchNorm("bn2").build())).isEmpty();
    }

    /**
     * A stem's BN-ReLU followed by a pre-activation unit that starts with BN-ReLU again
     * (kuangliu/pytorch-cifar#15): the body's first batch norm is reached through the fork.
     */
    @Test
    void irStemBatchNormThenPreActivationUnit() {
        List<Finding> f = check(rule, Ir.input(4, 8, 8).convSame("conv", 4, 3, 1, false).batchNorm("bn").relu("relu")
                .residual("res", b -> b.batchNorm("bnA").relu("reluA").convSame("convA", 4, 3, 1, false))
                .globalAvgPool("gap").dense("fc", 2).build());
        assertThat(at(f)).containsExactly("res.bnA");
    }

    @Test
    void irThroughAConcatenation() {
        List<Finding> f = check(rule, Ir.input(4, 8, 8)
                .concat("mixed", false,
                        Ir.branch("a", b -> b.convSame("conv", 4, 1, 1, false).batchNorm("bn").relu("relu")),
                        Ir.branch("b", b -> b.convSame("conv", 4, 3, 1, false).batchNorm("bn").relu("relu")))
                .batchNorm("bnAfter").globalAvgPool("gap").dense("fc", 2).build());
        assertThat(at(f)).containsExactly("bnAfter", "bnAfter");
        assertThat(f.get(0).why()).startsWith("batch norm 'bnAfter' normalises the output of batch norm 'mixed.a.bn'"
                + " through ReLU 'mixed.a.relu' and concatenation 'mixed'");
    }

    /** A sum with an un-normalised path is not normalised: the addition stops the match. */
    @Test
    void irAnAdditionWithAnUnnormalisedPathIsNotPassed() {
        assertThat(check(rule, Ir.input(4, 8, 8).convSame("conv", 4, 3, 1, false).batchNorm("bn").relu("relu")
                .residual("res", b -> b.convSame("convA", 4, 3, 1, false).batchNorm("bnA").relu("reluA")
                        .convSame("convB", 4, 3, 1, false))
                .relu("r2").batchNorm("bnAfter").dense("fc", 2).build())).isEmpty();
        // Both paths normalised (original unit after a stem BN-ReLU), then a pre-activation unit: BN-ReLU-BN.
        assertThat(at(check(rule, Ir.input(4, 8, 8).convSame("conv", 4, 3, 1, false).batchNorm("bn").relu("relu")
                .residual("res", b -> b.convSame("convA", 4, 3, 1, false).batchNorm("bnA").relu("reluA")
                        .convSame("convB", 4, 3, 1, false).batchNorm("bnB"))
                .relu("r2").batchNorm("bnAfter").dense("fc", 2).build()))).contains("bnAfter");
    }

    @Test
    void irTextbookNetworksAreFine() {
        for (var m : List.of(Textbook.resnetBasic(), Textbook.resnetBottleneck(), Textbook.preActResnet(),
                Textbook.denseNetBC(), Textbook.inceptionBn())) {
            assertThat(check(rule, m)).isEmpty();
        }
    }
}
