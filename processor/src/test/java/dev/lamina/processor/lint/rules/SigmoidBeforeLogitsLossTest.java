package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.dsl.Loss;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import org.junit.jupiter.api.Test;

class SigmoidBeforeLogitsLossTest {
    private final SigmoidBeforeLogitsLoss rule = new SigmoidBeforeLogitsLoss();

    @Test
    void irDoubleSigmoid() {
        List<Finding> f = check(rule, Ir.input(8).dense("out", 1).sigmoid("s").build(Loss.SIGMOID_BINARY_CROSS_ENTROPY));
        assertThat(at(f)).containsExactly("s");
        assertThat(f.get(0).why()).contains("double sigmoid");
    }

    @Test
    void irSigmoidUnderOtherLossesOrInHiddenLayersIsNotThisRule() {
        assertThat(check(rule, Ir.input(8).dense("out", 1).sigmoid("s").build(Loss.MSE))).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("h", 4).sigmoid("s").dense("out", 1)
                .build(Loss.SIGMOID_BINARY_CROSS_ENTROPY))).isEmpty();
    }
}
