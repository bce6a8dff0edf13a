package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuspiciousDropoutRateTest extends RuleCompilationTest {
    private final SuspiciousDropoutRate rule = new SuspiciousDropoutRate();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected Model positiveModel() {
        return new Model("input = 8",
                "@Dropout(rate = 0.8) Layer drop();",
                "@Dense(2) Layer out();");
    }

    @Override
    protected String line() {
        return "drop()";
    }

    @Override
    protected String column() {
        return "0.8";
    }

    @Override
    protected String message() {
        return "[Lamina/SuspiciousDropoutRate] dropout rate above the usual range: dropout 'drop' "
                + "(line 7) has rate 0.8, so it drops 80% of the units and keeps 20%; rate is the "
                + "probability of dropping (DL4J's dropOut(x) is the probability of keeping)";
    }

    @Override
    protected Model correctedModel() {
        return new Model("input = 8",
                "@Dropout(rate = 0.2) Layer drop();",
                "@Dense(2) Layer out();");
    }

    @Test
    void irHighRatePointsAtRateAndProposesTheComplement() {
        List<Finding> f = check(rule, Ir.input(8).dropout("d", 0.8).dense("out", 2).build());
        assertThat(at(f)).containsExactly("d");
        assertThat(f.get(0).member()).isEqualTo("rate");
        assertThat(f.get(0).why()).contains("has rate 0.8, so it drops 80% of the units and keeps 20%");
        assertThat(f.get(0).fix()).endsWith("write rate = 0.2");
    }

    @Test
    void irHalfIsTheDefaultLimitAndMaxRateMovesIt() {
        var model = Ir.input(8).dropout("d", 0.5).dropout("e", 0.7).dense("out", 2).build();
        assertThat(at(check(rule, model))).containsExactly("e");
        assertThat(check(rule, model, Map.of("maxRate", "0.7"))).isEmpty();
        assertThat(at(check(rule, model, Map.of("maxRate", "0.3")))).containsExactly("d", "e");
    }

    @Test
    void irAttentionDropoutIsARateToo() {
        var model = Ir.sequence(4, 8)
                .layer("attn", new LayerSpec.MultiHeadAttention(2, false, 0.9), Shape.sequence(4, 8))
                .layer("calm", new LayerSpec.MultiHeadAttention(2, false, 0.1), Shape.sequence(4, 8))
                .globalAvgPool1d("gap").dense("out", 2).build();
        List<Finding> f = check(rule, model);
        assertThat(at(f)).containsExactly("attn");
        assertThat(f.get(0).member()).isEqualTo("dropout");
        assertThat(f.get(0).why()).contains("has dropout 0.9, so it drops 90% of the attention weights and keeps 10%");
        assertThat(f.get(0).fix()).endsWith("write dropout = 0.1");
    }
}
