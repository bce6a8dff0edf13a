package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrictWindowTruncationTest extends RuleCompilationTest {
    private final StrictWindowTruncation rule = new StrictWindowTruncation();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = {1, 7, 7}",
                "@MaxPool2d(2) Layer pool1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "pool1()";
    }

    @Override
    protected String column() {
        return "2) Layer";
    }

    @Override
    protected String message() {
        return "[Lamina/StrictWindowTruncation] the window does not tile the input, so trailing rows or "
                + "columns are dropped: max pool 'pool1' (line 7) with window 2 and stride 2 on a 7x7 input "
                + "never reads the last row and column";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = {1, 8, 8}",
                "@MaxPool2d(2) Layer pool1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
    }

    @Test
    void irPoolOnOddInput() {
        List<Finding> f = check(rule, Ir.input(1, 11, 11).maxPool("p2", 2).build());
        assertThat(at(f)).containsExactly("p2");
        assertThat(f.get(0).why()).isEqualTo("max pool 'p2' with window 2 and stride 2 on a 11x11 input never reads"
                + " the last row and column");
        assertThat(f.get(0).member()).isEqualTo("value");
    }

    @Test
    void irStridedValidConvOnNonSquareInput() {
        // (9 - 3) mod 2 = 0 rows, (10 - 3) mod 2 = 1 column
        List<Finding> f = check(rule, Ir.input(1, 9, 10).conv("c", 2, 3, 2, true).build());
        assertThat(f.get(0).why()).endsWith("on a 9x10 input never reads the last column");
        assertThat(f.get(0).member()).isEqualTo("kernel");
    }

    @Test
    void irNonSquareWindowIsCheckedPerAxis() {
        // rows: (9 - 3) mod 2 = 0; columns: (8 - 1) mod 2 = 1 with a stride longer than the 1-wide window: skipped
        assertThat(check(rule, Ir.input(1, 9, 8).layer("p", new LayerSpec.Pool2d(LayerSpec.Pool2d.Mode.MAX, 3, 1, 2, 2,
                LayerSpec.Conv2d.Padding.VALID), dev.lamina.processor.ir.Shape.of(1, 4, 4)).build())).isEmpty();
        // rows: (10 - 3) mod 2 = 1; columns: (8 - 2) mod 1 = 0
        List<Finding> f = check(rule, Ir.input(1, 10, 8).layer("c", new LayerSpec.Conv2d(2, 3, 2, 2, 1,
                LayerSpec.Conv2d.Padding.VALID, true), dev.lamina.processor.ir.Shape.of(2, 4, 7)).build());
        assertThat(f.get(0).why()).isEqualTo("conv 'c' with window 3x2 and stride 2x1 on a 10x8 input never reads"
                + " the last row");
        assertThat(f.get(0).fix()).contains("(10 - 3) by 2, (8 - 2) by 1");
    }

    @Test
    void irSamePaddedPoolIsFine() {
        assertThat(check(rule, Ir.input(1, 7, 7).layer("p", new LayerSpec.Pool2d(LayerSpec.Pool2d.Mode.MAX, 2, 2, 2, 2,
                LayerSpec.Conv2d.Padding.SAME), dev.lamina.processor.ir.Shape.of(1, 4, 4)).build())).isEmpty();
    }

    @Test
    void irTilingWindowsSamePaddingAndStrideOneAreFine() {
        assertThat(check(rule, Ir.input(1, 12, 12).maxPool("p", 2).conv("c", 2, 3).build())).isEmpty();
        assertThat(check(rule, Ir.input(1, 11, 11).convSame("c", 2, 3, 2).build())).isEmpty();
        assertThat(check(rule, Ir.input(1, 11, 11).pool("p", LayerSpec.Pool2d.Mode.AVG, 3, 2).build())).isEmpty();
    }

    /** A 1x1 projection shortcut with stride 2 skips every other row by design, the last one included. */
    @Test
    void irStrideLongerThanTheWindowIsNotMatched() {
        assertThat(check(rule, Ir.input(4, 32, 32).conv("proj", 8, 1, 2, false).build())).isEmpty();
        assertThat(check(rule, Ir.input(4, 9, 9).pool("p", LayerSpec.Pool2d.Mode.MAX, 2, 3).build())).isEmpty();
    }
}
