package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsecutiveBatchNormTest {
    private final ConsecutiveBatchNorm rule = new ConsecutiveBatchNorm();

    @Test
    void irSecondBatchNormIsReported() {
        List<Finding> f = check(rule, Ir.input(1, 4, 4).conv("c", 2, 3, 1, false).batchNorm("bn1").flatten("f")
                .batchNorm("bn2").build());
        assertThat(at(f)).containsExactly("bn2");
        assertThat(f.get(0).why()).startsWith("batch norm 'bn2' normalises the output of batch norm 'bn1' through"
                + " flatten 'f'");
    }

    @Test
    void irAnythingButFlattenBetweenIsFine() {
        assertThat(check(rule, Ir.input(8).batchNorm("bn1").relu("r").batchNorm("bn2").build())).isEmpty();
        assertThat(check(rule, Ir.input(8).batchNorm("bn1").dropout("d", 0.1).batchNorm("bn2").build())).isEmpty();
    }
}
