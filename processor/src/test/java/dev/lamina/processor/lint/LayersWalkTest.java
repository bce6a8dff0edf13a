package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.SourceRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Walks over the dataflow: one per path, so rules see through branches without special cases. */
class LayersWalkTest {
    private static LayerNode node(String name, LayerSpec spec) {
        return new LayerNode(name, spec, Shape.of(4), Shape.of(4), SourceRef.NONE, List.of());
    }

    private static final LayerNode DROP = node("drop", new LayerSpec.Dropout(0.5));
    private static final LayerNode RELU = node("relu", new LayerSpec.Activation(
            LayerSpec.Activation.Function.RELU, 0));
    private static final LayerNode FLAT = node("flat", new LayerSpec.Flatten());
    private static final LayerNode BN = node("bn", new LayerSpec.BatchNorm(0.1, 1e-5));
    private static final LayerNode FC = node("fc", new LayerSpec.Dense(4, true));

    @Test
    void aStraightStackHasOnePathEachWay() {
        Dataflow flow = Dataflow.of(List.of(DROP, RELU, BN, FC), Map.of("drop", List.of("relu"),
                "relu", List.of("bn"), "bn", List.of("fc")));

        List<Layers.Walk> forward = Layers.forward(flow, DROP, Layers.ELEMENTWISE_ACTIVATION);
        assertThat(forward).containsExactly(new Layers.Walk(List.of(RELU), BN));
        List<Layers.Walk> backward = Layers.backward(flow, FC, Layers.ELEMENTWISE_ACTIVATION.or(Layers.BATCH_NORM));
        assertThat(backward).containsExactly(new Layers.Walk(List.of(RELU, BN), DROP));
        assertThat(Layers.forward(flow, FC, s -> true)).containsExactly(new Layers.Walk(List.of(), null));
        assertThat(Layers.output(flow)).hasValue(FC);
    }

    @Test
    void aForkGivesOneWalkPerBranch_andBothReachTheJoin() {
        // drop -> relu -> bn and drop -> flat -> bn: dropout reaches the BatchNorm on both paths.
        Dataflow flow = Dataflow.of(List.of(DROP, RELU, FLAT, BN, FC), Map.of("drop", List.of("relu", "flat"),
                "relu", List.of("bn"), "flat", List.of("bn"), "bn", List.of("fc")));

        assertThat(Layers.forward(flow, DROP, Layers.ELEMENTWISE_ACTIVATION.or(Layers.FLATTEN))).containsExactly(
                new Layers.Walk(List.of(RELU), BN), new Layers.Walk(List.of(FLAT), BN));
        assertThat(Layers.backward(flow, BN, Layers.FLATTEN)).containsExactly(
                new Layers.Walk(List.of(), RELU), new Layers.Walk(List.of(FLAT), DROP));
        assertThat(flow.sinks()).containsExactly(FC);
    }

    @Test
    void trailingFlattenAndDropoutAreNotTheOutput() {
        Dataflow flow = Dataflow.of(List.of(FC, FLAT, DROP), Map.of("fc", List.of("flat"), "flat", List.of("drop")));
        assertThat(Layers.output(flow)).hasValue(FC);
    }

    @Test
    void edgesMustFollowExecutionOrder() {
        assertThrows(IllegalArgumentException.class,
                () -> Dataflow.of(List.of(DROP, RELU), Map.of("relu", List.of("drop"))));
        assertThrows(IllegalArgumentException.class,
                () -> Dataflow.of(List.of(DROP, RELU), Map.of("drop", List.of("nowhere"))));
    }

    @Test
    void pathsThatJoinAreWalkedPastTheJoinOnce() {
        // drop -> relu -> add and drop -> flat -> add, then add -> bn: one walk reaches bn, through the first path.
        LayerNode add = node("add", new LayerSpec.Add());
        Dataflow flow = Dataflow.of(List.of(DROP, RELU, FLAT, add, BN), Map.of("drop", List.of("relu", "flat"),
                "relu", List.of("add"), "flat", List.of("add"), "add", List.of("bn")));
        assertThat(Layers.forward(flow, DROP, Layers.ELEMENTWISE_ACTIVATION.or(Layers.FLATTEN).or(Layers.JUNCTION)))
                .containsExactly(new Layers.Walk(List.of(RELU, add), BN));
        // Backward, the fork at drop is passed once as well.
        assertThat(Layers.backward(flow, BN, s -> true)).containsExactly(
                new Layers.Walk(List.of(DROP, RELU, add), null));
        assertThat(Layers.readOnce(flow, DROP)).isFalse();
        assertThat(Layers.readOnce(flow, add)).isTrue();
    }

    /** A chain of diamonds: without passing each join once, the walks would double with every block. */
    @Test
    void manyBlocksDoNotMultiplyTheWalks() {
        List<LayerNode> nodes = new java.util.ArrayList<>();
        Map<String, List<String>> edges = new java.util.HashMap<>();
        String prev = "in";
        nodes.add(node("in", new LayerSpec.Flatten()));
        for (int i = 0; i < 40; i++) {
            String a = "a" + i;
            String b = "b" + i;
            String j = "j" + i;
            nodes.add(node(a, new LayerSpec.Flatten()));
            nodes.add(node(b, new LayerSpec.Flatten()));
            nodes.add(node(j, new LayerSpec.Add()));
            edges.put(prev, List.of(a, b));
            edges.put(a, List.of(j));
            edges.put(b, List.of(j));
            prev = j;
        }
        Dataflow flow = Dataflow.of(nodes, edges);
        assertThat(Layers.forward(flow, nodes.get(0), s -> true)).hasSize(1);
    }
}
