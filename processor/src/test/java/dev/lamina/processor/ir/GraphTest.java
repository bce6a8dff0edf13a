package dev.lamina.processor.ir;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.testing.BlockIr.concat;
import static dev.lamina.processor.testing.BlockIr.layer;
import static dev.lamina.processor.testing.BlockIr.parts;
import static dev.lamina.processor.testing.BlockIr.repeat;
import static dev.lamina.processor.testing.BlockIr.residual;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.processor.testing.BlockIr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Graph}, {@link Steps#mapSequences} and the {@link Dataflow} built from them. */
class GraphTest {
    private static final LayerSpec RELU = new LayerSpec.Activation(LayerSpec.Activation.Function.RELU, 0);

    private static LayerSpec dense(int units) {
        return new LayerSpec.Dense(units, true);
    }

    private static ModelIR model() {
        List<BlockIr.Part> all = new ArrayList<>(parts(
                layer("fc0", dense(4)),
                residual("res", parts(layer("fc1", dense(4)), layer("act", RELU)), parts(layer("fc", dense(4)))),
                concat("cat", true, parts(layer("fc", dense(2))), parts(layer("fc", dense(3))))));
        all.addAll(repeat("stage", 2, parts(residual("unit", parts(layer("fc", dense(9))), List.of()))));
        return BlockIr.model("M", Loss.SOFTMAX_CROSS_ENTROPY, new int[] {3}, all.toArray(BlockIr.Part[]::new));
    }

    @Test
    void flattensBlocksIntoExecutionOrderWithEachLayersInputs() {
        Graph graph = model().graph();

        assertThat(graph.nodes().stream().map(LayerNode::name).toList()).containsExactly("fc0", "res.fc1", "res.act",
                "res.shortcut.fc", "res", "cat.b0.fc", "cat.b1.fc", "cat", "stage[0].unit.fc", "stage[0].unit",
                "stage[1].unit.fc", "stage[1].unit").inOrder();
        assertThat(graph.inputs()).containsAtLeastEntriesIn(Map.of(
                "fc0", List.of(Graph.INPUT),
                "res.fc1", List.of("fc0"),
                "res.shortcut.fc", List.of("fc0"),
                "res", List.of("res.shortcut.fc", "res.act"),
                "cat", List.of("res", "cat.b0.fc", "cat.b1.fc"),
                "stage[0].unit", List.of("cat", "stage[0].unit.fc"),
                "stage[1].unit.fc", List.of("stage[0].unit")));
        assertThat(graph.output()).isEqualTo("stage[1].unit");
        assertThat(graph.readersOf("fc0").stream().map(LayerNode::name).toList())
                .containsExactly("res.fc1", "res.shortcut.fc").inOrder();
    }

    @Test
    void dataflowForksAtABlocksInputAndJoinsAtItsJunction() {
        ModelIR model = model();
        Dataflow flow = Dataflow.of(model);
        Graph graph = model.graph();

        assertThat(flow.successors(graph.node("res")).stream().map(LayerNode::name).toList())
                .containsExactly("cat.b0.fc", "cat.b1.fc", "cat");
        assertThat(flow.predecessors(graph.node("cat")).stream().map(LayerNode::name).toList())
                .containsExactly("res", "cat.b0.fc", "cat.b1.fc");
        assertThat(flow.sinks().stream().map(LayerNode::name).toList()).containsExactly("stage[1].unit");
    }

    @Test
    void rewritesSeeEachRunBetweenJunctionsAndNeverOneAcrossThem() {
        ModelIR model = model();
        List<List<String>> runs = new ArrayList<>();
        ModelIR same = model.mapSequences(run -> {
            runs.add(run.stream().map(LayerNode::name).toList());
            return run;
        });

        assertThat(same).isSameInstanceAs(model);
        assertThat(runs).containsExactly(List.of("fc0"), List.of("res.fc1", "res.act"), List.of("res.shortcut.fc"),
                List.of("cat.b0.fc"), List.of("cat.b1.fc"), List.of("stage[0].unit.fc"), List.of("stage[1].unit.fc"));
    }

    @Test
    void aRewriteThatChangesOneRunChangesOnlyThatRun() {
        ModelIR model = model();
        ModelIR rewritten = model.mapSequences(run -> run.stream().anyMatch(n -> n.name().equals("res.act"))
                ? run.subList(0, 1)
                : run);

        assertThat(rewritten).isNotSameInstanceAs(model);
        assertThat(rewritten.layers().stream().map(LayerNode::name).toList()).doesNotContain("res.act");
        assertThat(rewritten.layers().size()).isEqualTo(model.layers().size() - 1);
        assertThat(rewritten.graph().inputsOf(rewritten.graph().node("res"))).containsExactly("res.shortcut.fc",
                "res.fc1").inOrder();
    }

    @Test
    void twoLayersWithOneNameAreRejected() {
        ModelIR model = BlockIr.model("M", Loss.SOFTMAX_CROSS_ENTROPY, new int[] {3},
                layer("fc", dense(3)), layer("fc", dense(3)));
        assertThrows(IllegalArgumentException.class, model::graph);
    }
}
