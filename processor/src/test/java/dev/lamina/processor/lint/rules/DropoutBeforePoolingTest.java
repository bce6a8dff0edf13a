package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import org.junit.jupiter.api.Test;

class DropoutBeforePoolingTest extends RuleCompilationTest {
    private final DropoutBeforePooling rule = new DropoutBeforePooling();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {1, 6, 6}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@Dropout(rate = 0.2) Layer drop1();",
                "@MaxPool2d(2) Layer pool1();",
                "@ReLU Layer relu1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "drop1()";
    }

    @Override
    protected String[] enable() {
        return new String[] {"-Alamina.lint.DropoutBeforePooling=NOTE"};
    }

    @Override
    protected String message() {
        return "[Lamina/DropoutBeforePooling] dropout directly before pooling: dropout 'drop1' (line 8) "
                + "comes directly before max pool 'pool1' (line 9); NeuraLint recommends dropout after "
                + "pooling (the two orders are not equivalent)";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {1, 6, 6}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@MaxPool2d(2) Layer pool1();",
                "@Dropout(rate = 0.2) Layer drop1();",
                "@ReLU Layer relu1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    @Test
    void irDropoutThenPool() {
        assertThat(at(check(rule, Ir.input(1, 4, 4).dropout("d", 0.2).maxPool("p", 2).build())))
                .containsExactly("d");
        assertThat(check(rule, Ir.input(1, 4, 4).maxPool("p", 2).dropout("d", 0.2).build())).isEmpty();
    }

    @Test
    void irDropoutThenA1dMaxPool() {
        assertThat(at(check(rule, Ir.input(2, 16).conv1dSame("c", 4, 3, 1, true).dropout("d", 0.2)
                .layer("p", new LayerSpec.MaxPool1d(2, 2), Shape.of(4, 8)).flatten("f").dense("out", 2).build())))
                .containsExactly("d");
    }
}
