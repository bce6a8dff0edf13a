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
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolBeforeMonotoneActivationTest extends RuleCompilationTest {
    private final PoolBeforeMonotoneActivation rule = new PoolBeforeMonotoneActivation();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {1, 6, 6}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@ReLU Layer relu1();",
                "@MaxPool2d(2) Layer pool1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    /** The rewrite MaxPoolBeforeMonotoneActivation carries the advice out: the note shows with rewrites off. */
    @Override
    protected String[] enable() {
        return new String[] {"-Alamina.rewrite=false"};
    }

    @Override
    protected String line() {
        return "relu1()";
    }

    @Override
    protected String message() {
        return "[Lamina/PoolBeforeMonotoneActivation] pooling first would compute the same for less: ReLU "
                + "'relu1' (line 8) is non-decreasing, so max pool 'pool1' (line 9) gives the same output if "
                + "it runs first, and 'relu1' would then evaluate 8 instead of 32 values per example";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {1, 6, 6}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@MaxPool2d(2) Layer pool1();",
                "@ReLU Layer relu1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

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

    /** The ReLU also feeds the other branches of an Inception module: it cannot move behind the pool. */
    @Test
    void irNotWhenTheActivationFeedsABlock() {
        assertThat(check(rule, dev.lamina.processor.lint.Textbook.inception())).isEmpty();
        assertThat(check(rule, Ir.input(3, 8, 8).convSame("c", 4, 3, 1).relu("r")
                .concat("mixed", false, Ir.branch("a", b -> b.maxPool("pool", 2)),
                        Ir.branch("b", b -> b.maxPool("pool", 2)))
                .flatten("f").dense("fc", 2).build())).isEmpty();
    }
}
