package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonlinearityBeforeOutputTest extends RuleCompilationTest {
    private final NonlinearityBeforeOutput rule = new NonlinearityBeforeOutput();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8",
                "@Dense(3) Layer out();",
                "@ReLU Layer clip();");
    }

    @Override
    protected String line() {
        return "clip()";
    }

    @Override
    protected String message() {
        return "[Lamina/NonlinearityBeforeOutput] an activation clips or bounds the logits: "
                + "SOFTMAX_CROSS_ENTROPY takes logits, but ReLU 'clip' (line 8) produces them and clips them "
                + "at 0, so a wrong class cannot be pushed below 0 and a logit that turns negative gets no "
                + "gradient";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8",
                "@Dense(3) Layer out();");
    }

    @Test
    void irReluAsLogitsUnderLogitsLoss() {
        List<Finding> f = check(rule, Ir.input(8).dense("out", 3).relu("r").build());
        assertThat(at(f)).containsExactly("r");
        assertThat(f.get(0).why()).startsWith("SOFTMAX_CROSS_ENTROPY takes logits, but ReLU 'r' produces them and"
                + " clips them at 0");
    }

    @Test
    void irActivationBeforeOutputSoftmaxUnderAnyLoss() {
        List<Finding> f = check(rule, Ir.input(8).dense("out", 3).tanh("t").softmax("p").build(Loss.MSE));
        assertThat(at(f)).containsExactly("t");
        assertThat(f.get(0).why()).startsWith("Softmax 'p' turns the outputs of Tanh 't' into probabilities");
        assertThat(at(check(rule, Ir.input(8).dense("out", 3).sigmoid("s").softmax("p").build())))
                .containsExactly("s");
    }

    @Test
    void irLeakyReluOnlyWhenItClipsOrIsNotMonotone() {
        assertThat(check(rule, Ir.input(8).dense("o", 3).activation("l", Function.LEAKY_RELU, 0.01).build())).isEmpty();
        assertThat(at(check(rule, Ir.input(8).dense("o", 3).activation("l", Function.LEAKY_RELU, 0).build())))
                .containsExactly("l");
        assertThat(at(check(rule, Ir.input(8).dense("o", 3).activation("l", Function.LEAKY_RELU, -0.5).build())))
                .containsExactly("l");
    }

    @Test
    void irRegressionReluAndSigmoidOutputsAreNotThisRule() {
        assertThat(check(rule, Ir.input(8).dense("out", 1).relu("r").build(Loss.MSE))).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 3).sigmoid("s").build(Loss.SIGMOID_BINARY_CROSS_ENTROPY)))
                .isEmpty();
        assertThat(check(rule, Ir.input(8).dense("h", 3).relu("r").dense("out", 3).build())).isEmpty();
    }

    /** SqueezeNet's head: conv10, ReLU, global average pool as the logits; every logit is >= 0. */
    @Test
    void irSqueezeNetReluBeforeTheGlobalPool() {
        List<Finding> f = check(rule, Ir.input(3, 8, 8).convSame("conv10", 10, 1, 1).relu("relu10")
                .globalAvgPool("gap").build());
        assertThat(at(f)).containsExactly("relu10");
        assertThat(f.get(0).why()).startsWith("SOFTMAX_CROSS_ENTROPY takes logits, but ReLU 'relu10' produces them"
                + " through global average pool 'gap' and clips them at 0");
    }

    @Test
    void irThroughPoolingFlattenAndDropoutIntoAnOutputSoftmax() {
        List<Finding> f = check(rule, Ir.input(3, 8, 8).convSame("c", 4, 3, 1).tanh("t").avgPool("p", 2)
                .flatten("f").dropout("d", 0.1).softmax("s").build(Loss.MSE));
        assertThat(at(f)).containsExactly("t");
        assertThat(f.get(0).why()).contains("through average pool 'p', flatten 'f' and dropout 'd'");
    }

    @Test
    void irADenseClassifierAfterThePoolIsFine() {
        assertThat(check(rule, Ir.input(3, 8, 8).convSame("c", 4, 3, 1).relu("r").globalAvgPool("gap")
                .dense("fc", 10).build())).isEmpty();
    }

    @Test
    void irGeluAndSiluAsLogitsBoundThemBelow() {
        List<Finding> gelu = check(rule, Ir.input(8).dense("out", 3).gelu("g").build());
        assertThat(at(gelu)).containsExactly("g");
        assertThat(gelu.get(0).why()).contains("bounds them below at about -0.17");
        List<Finding> silu = check(rule, Ir.input(8).dense("out", 3).activation("s", Function.SILU, 0).build());
        assertThat(at(silu)).containsExactly("s");
        assertThat(silu.get(0).why()).contains("bounds them below at about -0.28");
    }

    @Test
    void irThroughA1dMaxPoolIntoAnOutputSoftmax() {
        List<Finding> f = check(rule, Ir.input(2, 16).conv1dSame("c", 4, 3, 1, true).tanh("t")
                .layer("p", new LayerSpec.MaxPool1d(2, 2), Shape.of(4, 8)).flatten("f").softmax("s").build(Loss.MSE));
        assertThat(at(f)).containsExactly("t");
        assertThat(f.get(0).why()).contains("through max pool 'p' and flatten 'f'");
    }
}
