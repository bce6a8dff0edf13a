package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearStackCollapseTest {
    private final LinearStackCollapse rule = new LinearStackCollapse();

    @Test
    void irDenseDenseGivesTheRankBound() {
        List<Finding> f = check(rule, Ir.input(784).dense("fc1", 64).dense("fc2", 10).build());
        assertThat(at(f)).containsExactly("fc1");
        assertThat(f.get(0).why()).contains("dense 'fc1' feeds dense 'fc2' with no activation between");
        assertThat(f.get(0).why()).contains("rank at most 10");
    }

    @Test
    void irThroughAffineLayers() {
        List<Finding> f = check(rule, Ir.input(3, 8, 8).conv("c1", 8, 3).batchNorm("bn").dropout("d", 0.1)
                .avgPool("a", 2).flatten("f").dense("fc", 10).build());
        assertThat(at(f)).containsExactly("c1");
        assertThat(f.get(0).why()).contains(
                "through batch norm 'bn', dropout 'd', average pool 'a' and flatten 'f'");
        assertThat(f.get(0).why()).contains("rank at most 3");
    }

    @Test
    void irActivationOrMaxPoolBetweenIsNonlinear() {
        assertThat(check(rule, Ir.input(8).dense("fc1", 4).relu("r").dense("fc2", 2).build())).isEmpty();
        assertThat(check(rule, Ir.input(1, 8, 8).conv("c1", 4, 3).maxPool("p", 2).conv("c2", 4, 3).build()))
                .isEmpty();
    }
}
