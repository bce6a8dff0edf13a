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

class RedundantBiasBeforeBatchNormTest extends RuleCompilationTest {
    private final RedundantBiasBeforeBatchNorm rule = new RedundantBiasBeforeBatchNorm();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {1, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3, bias = true) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@ReLU Layer relu1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "conv1()";
    }

    @Override
    protected String column() {
        return "true";
    }

    @Override
    protected String message() {
        return "[Lamina/RedundantBiasBeforeBatchNorm] bias directly before batch norm is cancelled by it: "
                + "conv 'conv1' (line 7) adds a bias that batch norm 'bn1' (line 8) subtracts again with the "
                + "batch mean, so its 4 parameters have no effect and get zero gradient; the beta of 'bn1' "
                + "provides the offset";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {1, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3, bias = false) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@ReLU Layer relu1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    @Test
    void irConvBiasIntoBatchNormPointsAtBias() {
        List<Finding> f = check(rule, Ir.input(1, 8, 8).conv("c1", 16, 3).batchNorm("bn1").relu("r").flatten("f")
                .dense("o", 2).build());
        assertThat(at(f)).containsExactly("c1");
        assertThat(f.get(0).member()).isEqualTo("bias");
        assertThat(f.get(0).why()).contains("its 16 parameters have no effect");
        assertThat(f.get(0).fix()).isEqualTo("set bias = false on 'c1'");
    }

    @Test
    void irThroughPoolingAndFlattenTheOffsetStaysConstant() {
        assertThat(at(check(rule, Ir.input(1, 8, 8).conv("c1", 4, 3).maxPool("p", 2).flatten("f").batchNorm("bn")
                .dense("o", 2).build()))).containsExactly("c1");
        assertThat(at(check(rule, Ir.input(8).dense("h", 4).batchNorm("bn").dense("o", 2).build())))
                .containsExactly("h");
    }

    @Test
    void irNoBiasOrActivationOrDropoutBetweenIsFine() {
        assertThat(check(rule, Ir.input(1, 8, 8).conv("c1", 4, 3, 1, false).batchNorm("bn").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("h", 4).relu("r").batchNorm("bn").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("h", 4).dropout("d", 0.1).batchNorm("bn").build())).isEmpty();
    }

    /** A concatenation keeps each channel's offset, and every layer after it starts with batch norm. */
    @Test
    void irThroughConcatenationsWhenEveryPathEndsAtBatchNorm() {
        List<Finding> f = check(rule, Ir.input(3, 8, 8).convSame("conv0", 8, 3, 1, true)
                .repeat("block", 2, u -> u.concat("layer", true, Ir.branch("b", b -> b.batchNorm("bn1").relu("relu1")
                        .convSame("conv1", 4, 3, 1, false))))
                .batchNorm("bn").relu("relu").globalAvgPool("gap").dense("fc", 2).build());
        assertThat(at(f)).containsExactly("conv0");
        assertThat(f.get(0).why()).contains("(as do the 2 other batch norms its output reaches)");
    }

    /** The same bias also reaches a ReLU on the identity path: it is not redundant there. */
    @Test
    void irNotWhenOnePathUsesTheBias() {
        assertThat(check(rule, Ir.input(3, 8, 8).convSame("conv0", 4, 3, 1, true)
                .residual("res", b -> b.batchNorm("bn1").relu("relu1").convSame("conv1", 4, 3, 1, false))
                .relu("relu").globalAvgPool("gap").dense("fc", 2).build())).isEmpty();
    }

    /** Through an addition: the sum carries the bias as a per-channel constant into the batch norm. */
    @Test
    void irThroughAnAddition() {
        assertThat(at(check(rule, Ir.input(4, 8, 8).convSame("c", 4, 3, 1, false).relu("r")
                .residual("res", b -> b.convSame("convA", 4, 3, 1, true))
                .batchNorm("bn").relu("r2").dense("fc", 2).build()))).containsExactly("res.convA");
    }
}
