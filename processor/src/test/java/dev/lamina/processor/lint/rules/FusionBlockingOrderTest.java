package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import org.junit.jupiter.api.Test;

class FusionBlockingOrderTest {
    private final FusionBlockingOrder rule = new FusionBlockingOrder();

    @Test
    void irWeightActivationBatchNorm() {
        List<Finding> f = check(rule, Ir.input(8).dense("fc", 4).relu("r").batchNorm("bn").build());
        assertThat(at(f)).containsExactly("bn");
        assertThat(f.get(0).fix()).isEqualTo("if the order is not deliberate (Chen et al. 2019 argue for it), move"
                + " 'bn' between 'fc' and 'r'");
    }

    @Test
    void irWeightBatchNormActivationIsFine() {
        assertThat(check(rule, Ir.input(8).dense("fc", 4, false).batchNorm("bn").relu("r").build())).isEmpty();
    }
}
