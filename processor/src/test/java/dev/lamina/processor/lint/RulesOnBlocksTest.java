package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.ModelIR;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every rule, the off-by-default ones switched on, runs without throwing on models whose blocks sit
 * in unusual places: a model that ends in an addition or starts with a concatenation, empty bodies
 * and shortcuts, blocks nested in branches of repeated units, vectors.
 */
class RulesOnBlocksTest {
    private static final Map<String, Map<String, String>> ENABLE = Map.of(
            "BlockTemplate", Map.of("template", "classic"),
            "DropoutBeforeBatchNorm", Map.of("minWidth", "16"));

    private static List<ModelIR> odd() {
        return List.of(
                Ir.input(4, 8, 8).convSame("c", 4, 3, 1, false).residual("res", b -> b.batchNorm("bn").relu("r"))
                        .build(),
                Ir.input(4, 8, 8).concat("mixed", true, Ir.branch("a", b -> b.convSame("c", 4, 1, 1, false)),
                                Ir.branch("b", b -> b.dropout("d", 0.2).maxPool("p", 1)))
                        .flatten("f").dense("fc", 2).build(),
                Ir.input(8).residual("res", b -> b).residual("res2", b -> b.dense("fc", 8), s -> s).dense("out", 2)
                        .build(),
                Ir.input(4, 8, 8).repeat("stage", 2, u -> u.concat("mixed", false,
                                Ir.branch("a", b -> b.residual("inner", r -> r.batchNorm("bn").relu("relu")
                                        .convSame("c", 4, 3, 1, false), s -> s.dropout("d", 0.5))),
                                Ir.branch("b", b -> b.softmax("s"))))
                        .globalAvgPool("gap").sigmoid("sig").build(),
                Ir.input(8).dense("h", 8).dropout("d", 0.6)
                        .residual("res", b -> b.dense("fc1", 8).relu("r").dropout("d2", 0.5))
                        .softmax("probs").build());
    }

    @Test
    void noRuleThrowsOnOddlyPlacedBlocks() {
        for (ModelIR model : odd()) {
            for (RuleInfo rule : LintRules.all()) {
                Ir.check(rule.rule(), model, ENABLE.getOrDefault(rule.id(), Map.of()));
            }
            // The loss reads the last layer, a junction included.
            assertThat(Layers.output(Dataflow.of(model))).isPresent();
        }
    }

    @Test
    void theOutputOfAModelThatEndsInAnAdditionIsTheAddition() {
        ModelIR model = odd().get(0);
        assertThat(Layers.output(Dataflow.of(model)).orElseThrow().name()).isEqualTo("res");
    }
}
