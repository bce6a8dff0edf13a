package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolBeforeMonotoneActivationTest {
    private final PoolBeforeMonotoneActivation rule = new PoolBeforeMonotoneActivation();

    @Test
    void irReluThenMaxPoolCountsTheSavedWork() {
        // conv 32x26x26 = 21632 values; after 2x2 pooling 32x13x13 = 5408.
        List<Finding> f = check(rule, Ir.input(1, 28, 28).conv("c1", 32, 3).relu("r1").maxPool("p1", 2).build());
        assertThat(at(f)).containsExactly("r1");
        assertThat(f.get(0).why()).contains("would then evaluate 5408 instead of 21632 values per example");
    }

    @Test
    void irEveryNonDecreasingActivation() {
        for (Function fn : List.of(Function.ELU, Function.TANH, Function.SIGMOID, Function.LEAKY_RELU)) {
            assertThat(at(check(rule, Ir.input(1, 4, 4).activation("a", fn, 0.5).maxPool("p", 2).build())))
                    .containsExactly("a");
        }
    }

    @Test
    void irNotForAveragePoolNonMonotoneOrWhenPoolingSavesNothing() {
        assertThat(check(rule, Ir.input(1, 4, 4).relu("r").avgPool("p", 2).build())).isEmpty();
        assertThat(check(rule, Ir.input(1, 4, 4).activation("l", Function.LEAKY_RELU, -0.5).maxPool("p", 2).build()))
                .isEmpty();
        assertThat(check(rule, Ir.input(1, 4, 4).activation("e", Function.ELU, -1).maxPool("p", 2).build()))
                .isEmpty();
        assertThat(check(rule, Ir.input(1, 4, 4).relu("r").maxPool("p", 1).build())).isEmpty();
    }
}
