package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoftmaxInHiddenLayerTest {
    private final SoftmaxInHiddenLayer rule = new SoftmaxInHiddenLayer();

    @Test
    void irSoftmaxFeedingALayer() {
        List<Finding> f = check(rule, Ir.input(8).dense("h", 4).softmax("sm").dropout("d", 0.1).dense("out", 2)
                .build());
        assertThat(at(f)).containsExactly("sm");
        assertThat(f.get(0).why()).startsWith("Softmax 'sm' feeds dense 'out' through dropout 'd'");
    }

    @Test
    void irOutputSoftmaxIsFine() {
        assertThat(check(rule, Ir.input(8).dense("out", 2).softmax("p").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).dense("out", 2).softmax("p").dropout("d", 0.1).build())).isEmpty();
    }
}
