package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.dsl.Loss;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoftmaxWithBinaryCETest {
    private final SoftmaxWithBinaryCE rule = new SoftmaxWithBinaryCE();

    @Test
    void irSoftmaxOutputUnderSigmoidLoss() {
        List<Finding> f = check(rule, Ir.input(8).dense("out", 3).softmax("p").build(Loss.SIGMOID_BINARY_CROSS_ENTROPY));
        assertThat(at(f)).containsExactly("p");
        assertThat(f.get(0).why()).contains("[0.5, 0.731]");
    }

    @Test
    void irSoftmaxOutputSeenThroughTrailingDropout() {
        assertThat(at(check(rule, Ir.input(8).dense("out", 3).softmax("p").dropout("d", 0.1)
                .build(Loss.SIGMOID_BINARY_CROSS_ENTROPY)))).containsExactly("p");
    }

    @Test
    void irOtherLossesOrNoSoftmaxAreNotThisRule() {
        assertThat(check(rule, Ir.input(8).dense("out", 3).softmax("p").build(Loss.SOFTMAX_CROSS_ENTROPY))).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 3).build(Loss.SIGMOID_BINARY_CROSS_ENTROPY))).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("h", 3).softmax("p").dense("out", 2)
                .build(Loss.SIGMOID_BINARY_CROSS_ENTROPY))).isEmpty();
    }
}
