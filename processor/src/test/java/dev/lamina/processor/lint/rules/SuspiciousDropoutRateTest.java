package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuspiciousDropoutRateTest {
    private final SuspiciousDropoutRate rule = new SuspiciousDropoutRate();

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
}
