package dev.lamina.examples.study;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.dsl.Layer;
import dev.lamina.runtime.model.LintFinding;
import dev.lamina.runtime.model.Model;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ten orderings as declared and as the lint sees them, without training: each interface has the
 * layer order its label says, and the lint flags DropoutBeforeBatchNorm on exactly the orderings in
 * which a dropout reaches a batch norm with no weight layer between.
 */
class OrderingTest {
    private static final Map<String, String> KIND_OF_PART = Map.of(
            "Conv", "Conv2d", "Act", "ELU", "BN", "BatchNorm", "Drop", "Dropout", "Pool", "MaxPool2d");

    @Test
    void eachInterfaceHasTheLayerOrderOfItsLabel() {
        for (Ordering o : Ordering.all()) {
            List<String> expected = new ArrayList<>();
            for (int module = 0; module < 2; module++) {
                for (String part : o.label().split("-")) {
                    expected.add(KIND_OF_PART.get(part));
                }
            }
            expected.addAll(List.of("Flatten", "Dense", "ELU", "Dense"));
            Model model = o.create(0);
            assertWithMessage(o.label()).that(model.layers().stream().map(Layer::kind).toList())
                    .containsExactlyElementsIn(expected).inOrder();
            assertWithMessage(o.label()).that(model.getClass().getSimpleName()).isEqualTo("Lamina" + o.interfaceName());
            assertThat(model.inputShape()).isEqualTo(new int[] {1, 28, 28});
            assertThat(model.outputShape()).isEqualTo(new int[] {10});
        }
    }

    @Test
    void seedTableIsTheIssues() {
        double[] losses = Ordering.all().stream().mapToDouble(Ordering::seedTestLoss).toArray();
        assertThat(losses).usingExactEquality().containsExactly(
                0.0426, 0.0501, 0.0491, 0.0681, 0.0389, 0.0413, 0.0514, 0.0483, 0.0472, 0.0324).inOrder();
        assertThat(Ordering.all().stream().map(Ordering::label).distinct().count()).isEqualTo(10);
    }

    /** Dropouts that reach a BatchNorm through layers none of which has weights, by a walk over the kinds. */
    private static List<String> dropoutsReachingBatchNorm(Model model) {
        List<Layer> layers = model.layers();
        List<String> dropouts = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (!layers.get(i).kind().equals("Dropout")) {
                continue;
            }
            for (int j = i + 1; j < layers.size(); j++) {
                String kind = layers.get(j).kind();
                if (kind.equals("BatchNorm")) {
                    dropouts.add(layers.get(i).name());
                    break;
                }
                if (kind.equals("Conv2d") || kind.equals("Dense")) {
                    break;
                }
            }
        }
        return dropouts;
    }

    @Test
    void lintFlagsDropoutBeforeBatchNormExactlyWhereDropoutReachesIt() {
        Set<Ordering> flagged = EnumSet.noneOf(Ordering.class);
        for (Ordering o : Ordering.all()) {
            Model model = o.create(0);
            List<String> flaggedLayers = model.lintFindings().stream()
                    .filter(f -> f.ruleId().equals(StudyResults.DROPOUT_BEFORE_BN))
                    .map(LintFinding::layer)
                    .toList();
            assertWithMessage(o.label()).that(flaggedLayers)
                    .containsExactlyElementsIn(dropoutsReachingBatchNorm(model)).inOrder();
            if (!flaggedLayers.isEmpty()) {
                flagged.add(o);
            }
        }
        // The five orderings with dropout ahead of batch norm inside the module, including the seed thread's
        // best row (Conv-Drop-BN-Act-Pool).
        assertThat(flagged).containsExactly(Ordering.CONV_ACT_DROP_BN_POOL, Ordering.CONV_ACT_DROP_POOL_BN,
                Ordering.CONV_DROP_ACT_BN_POOL, Ordering.CONV_DROP_ACT_POOL_BN, Ordering.CONV_DROP_BN_ACT_POOL);
    }

    @Test
    void studyReportsTheGeneratedClassesFindings() {
        Map<Ordering, List<LintFinding>> findings = Study.lintFindings(Ordering.all());
        assertThat(findings.keySet()).containsExactlyElementsIn(Ordering.all()).inOrder();
        for (Ordering o : Ordering.all()) {
            assertThat(findings.get(o)).isEqualTo(o.create(1).lintFindings());
            for (LintFinding f : findings.get(o)) {
                assertThat(f.severity()).isAnyOf("WARNING", "NOTE");
                assertThat(f.message()).startsWith("[Lamina/" + f.ruleId() + "]");
            }
        }
    }

    @Test
    void parsesLabelsInterfaceNamesAndConstants() {
        assertThat(Ordering.parse("Conv-BN-Act-Drop-Pool")).isEqualTo(Ordering.CONV_BN_ACT_DROP_POOL);
        assertThat(Ordering.parse("convdropbnactpool")).isEqualTo(Ordering.CONV_DROP_BN_ACT_POOL);
        assertThat(Ordering.parse("CONV_ACT_BN_POOL_DROP")).isEqualTo(Ordering.CONV_ACT_BN_POOL_DROP);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ordering.parse("Conv-Pool"));
        assertThat(e).hasMessageThat().contains("Conv-Act-Drop-BN-Pool");
    }
}
