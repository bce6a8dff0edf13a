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
import dev.lamina.processor.lint.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropoutBeforeBatchNormTest extends RuleCompilationTest {
    private final DropoutBeforeBatchNorm rule = new DropoutBeforeBatchNorm();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {1, 12, 12}",
                "@Conv2d(filters = 4, kernel = 3, bias = false) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@ReLU Layer relu1();",
                "@Dropout(rate = 0.2) Layer drop1();",
                "@MaxPool2d(2) Layer pool1();",
                "@BatchNorm Layer bn2();",
                "@Flatten Layer flatten();",
                "@Dense(10) Layer out();");
    }

    @Override
    protected String line() {
        return "drop1()";
    }

    @Override
    protected String message() {
        return "[Lamina/DropoutBeforeBatchNorm] dropout before batch norm makes its statistics differ "
                + "between training and inference: dropout 'drop1' (line 10) reaches batch norm 'bn2' "
                + "(line 12) through max pool 'pool1': in training 'bn2' normalises activations whose "
                + "variance dropout scaled by about 1/(1 - 0.2), at inference dropout is the identity and "
                + "'bn2' keeps the running variance from training";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {1, 12, 12}",
                "@Conv2d(filters = 4, kernel = 3, bias = false) Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@MaxPool2d(2) Layer pool1();",
                "@ReLU Layer relu1();",
                "@BatchNorm Layer bn2();",
                "@Flatten Layer flatten();",
                "@Dropout(rate = 0.2) Layer drop1();",
                "@Dense(10) Layer out();");
    }

    @Test
    void irAdjacent() {
        List<Finding> f = check(rule, Ir.input(8).dense("h", 8).dropout("d", 0.5).batchNorm("bn").relu("r")
                .dense("out", 2).build());
        assertThat(at(f)).containsExactly("d");
        assertThat(f.get(0).why()).startsWith("dropout 'd' reaches batch norm 'bn': in training 'bn'");
        assertThat(f.get(0).cap()).isEqualTo(Severity.ERROR);
    }

    @Test
    void irThroughPoolingFlattenAndElementwiseActivations() {
        List<Finding> f = check(rule, Ir.input(1, 8, 8).conv("c", 4, 3).dropout("drop1", 0.3).maxPool("pool1", 2)
                .activation("e", Function.ELU, 1).avgPool("a", 1).flatten("f").tanh("t").batchNorm("bn2")
                .dense("out", 2).build());
        assertThat(at(f)).containsExactly("drop1");
        assertThat(f.get(0).why()).startsWith("dropout 'drop1' reaches batch norm 'bn2' through max pool 'pool1',"
                + " ELU 'e', average pool 'a', flatten 'f' and Tanh 't'");
    }

    @Test
    void irBothDropoutsOfARunAreReported() {
        assertThat(at(check(rule, Ir.input(8).dropout("d1", 0.2).dropout("d2", 0.2).batchNorm("bn").dense("o", 2)
                .build()))).containsExactly("d1", "d2").inOrder();
    }

    @Test
    void irWeightLayerBetweenAttenuatesTheShiftAndIsNotMatched() {
        assertThat(check(rule, Ir.input(8).dropout("d", 0.5).dense("h", 8).batchNorm("bn").dense("o", 2).build()))
                .isEmpty();
    }

    @Test
    void irSoftmaxBetweenStopsTheMatch() {
        assertThat(check(rule, Ir.input(8).dropout("d", 0.5).softmax("s").batchNorm("bn").dense("o", 2).build()))
                .isEmpty();
    }

    @Test
    void irBatchNormThenDropoutAndRateZeroAreFine() {
        assertThat(check(rule, Ir.input(8).dense("h", 8).batchNorm("bn").relu("r").dropout("d", 0.5).dense("o", 2)
                .build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dropout("d", 0).batchNorm("bn").dense("o", 2).build())).isEmpty();
    }

    @Test
    void irMinWidthPassesNarrowWeightLayersAsNotes() {
        Ir.input(8);
        var model = Ir.input(8).dropout("d", 0.5).dense("h", 4).batchNorm("bn").dense("o", 2).build();
        List<Finding> narrow = check(rule, model, Map.of("minWidth", "16"));
        assertThat(at(narrow)).containsExactly("d");
        assertThat(narrow.get(0).cap()).isEqualTo(Severity.NOTE);
        assertThat(narrow.get(0).why()).contains("through dense 'h'");
        assertThat(narrow.get(0).why()).contains("narrower than minWidth = 16");
        assertThat(check(rule, model, Map.of("minWidth", "4"))).isEmpty();
    }

    /**
     * Li et al. 2018's DenseNet case: dropout after each bottleneck's last conv reaches the next
     * layer's batch norm through the concatenation (and the last one the transition's).
     */
    @Test
    void irDenseNetWithDropoutInEveryBottleneckThroughTheConcatenation() {
        List<Finding> f = check(rule, Ir.input(3, 16, 16).convSame("conv0", 8, 3, 1, false)
                .repeat("block", 2, u -> u.concat("layer", true, Ir.branch("b", b -> b.batchNorm("bn1").relu("relu1")
                        .convSame("conv1", 16, 1, 1, false).batchNorm("bn2").relu("relu2")
                        .convSame("conv2", 4, 3, 1, false).dropout("drop", 0.2))))
                .batchNorm("bn").relu("relu").globalAvgPool("gap").dense("fc", 10).build());
        assertThat(at(f)).containsExactly("block[0].layer.b.drop", "block[1].layer.b.drop").inOrder();
        assertThat(f.get(0).why()).startsWith("dropout 'block[0].layer.b.drop' reaches batch norm 'block[1].layer.b.bn1'"
                + " through concatenation 'block[0].layer':");
        assertThat(f.get(0).why()).endsWith("; it reaches 1 more batch norm after it the same way");
        assertThat(f.get(1).why()).startsWith("dropout 'block[1].layer.b.drop' reaches batch norm 'bn' through"
                + " concatenation 'block[1].layer':");
    }

    @Test
    void irThroughAnAdditionAndGlobalPooling() {
        assertThat(at(check(rule, Ir.input(4, 8, 8).convSame("c", 4, 3, 1, false).batchNorm("b").relu("r")
                .residual("res", b -> b.convSame("convA", 4, 3, 1, false).batchNorm("bnA").dropout("drop", 0.3))
                .relu("r2").batchNorm("bnAfter").dense("fc", 2).build()))).containsExactly("res.drop");
        assertThat(at(check(rule, Ir.input(4, 8, 8).convSame("c", 4, 3, 1, false).dropout("drop", 0.3)
                .globalAvgPool("gap").batchNorm("bn").dense("fc", 2).build()))).containsExactly("drop");
    }

    /** Wide ResNet's dropout between the two convs of a unit: a weight layer follows, so it is not matched. */
    @Test
    void irWideResNetDropoutBetweenConvsIsFine() {
        assertThat(check(rule, Ir.input(4, 8, 8).convSame("c", 4, 3, 1, false)
                .repeat("stage", 2, u -> u.residual("res", b -> b.batchNorm("bn1").relu("relu1")
                        .convSame("conv1", 4, 3, 1, false).batchNorm("bn2").relu("relu2").dropout("drop", 0.3)
                        .convSame("conv2", 4, 3, 1, false)))
                .batchNorm("bn").relu("relu").globalAvgPool("gap").dense("fc", 10).build())).isEmpty();
    }
}
