package dev.lamina.processor.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What reaches what in a model: each layer's successors (the layers that read its output) and
 * predecessors, over the layers in execution order. Lint rules walk this view instead of list
 * indices, so that a model whose layers branch and join (a residual addition, a concatenation)
 * needs no change in every rule: a junction is a layer node of its own, with one predecessor per
 * path that reaches it.
 */
public final class Dataflow {
    private final List<LayerNode> nodes;
    private final Map<String, List<LayerNode>> successors = new HashMap<>();
    private final Map<String, List<LayerNode>> predecessors = new HashMap<>();

    private Dataflow(List<LayerNode> nodes) {
        this.nodes = List.copyOf(nodes);
        for (LayerNode node : nodes) {
            successors.put(node.name(), new ArrayList<>());
            predecessors.put(node.name(), new ArrayList<>());
        }
    }

    /**
     * The dataflow of {@code model}'s layers: a chain for a straight stack; through a block, from the
     * layer before it to the first layer of each path, and from each path's last layer to the
     * block's junction ({@link LayerSpec.Add} or {@link LayerSpec.Concat}).
     */
    public static Dataflow of(ModelIR model) {
        Graph graph = model.graph();
        return of(graph.nodes(), graph.successors());
    }

    /**
     * The dataflow of layers that branch and join: {@code nodes} in execution order, and for each
     * layer name the names of the layers that read its output.
     *
     * @throws IllegalArgumentException if an edge names a layer not in {@code nodes}, or goes back
     *     to a layer that runs earlier
     */
    public static Dataflow of(List<LayerNode> nodes, Map<String, List<String>> successors) {
        Dataflow flow = new Dataflow(nodes);
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            position.put(nodes.get(i).name(), i);
        }
        for (String from : successors.keySet()) {
            if (!position.containsKey(from)) {
                throw new IllegalArgumentException("edge from " + from + ", which is not a layer of this dataflow");
            }
        }
        // In execution order, so that each layer's successors and predecessors come in a fixed order.
        for (LayerNode node : nodes) {
            for (String to : successors.getOrDefault(node.name(), List.of())) {
                Integer f = position.get(node.name());
                Integer t = position.get(to);
                if (t == null || t <= f) {
                    throw new IllegalArgumentException("edge " + node.name() + " -> " + to
                            + " does not join two layers in execution order");
                }
                flow.connect(node, nodes.get(t));
            }
        }
        return flow;
    }

    private void connect(LayerNode from, LayerNode to) {
        successors.get(from.name()).add(to);
        predecessors.get(to.name()).add(from);
    }

    /** Every layer, each after all layers that reach it. */
    public List<LayerNode> nodes() {
        return nodes;
    }

    /** The layers that read {@code node}'s output, directly. */
    public List<LayerNode> successors(LayerNode node) {
        return List.copyOf(edges(successors, node));
    }

    /** The layers whose output {@code node} reads, directly; none for a layer that reads the model's input. */
    public List<LayerNode> predecessors(LayerNode node) {
        return List.copyOf(edges(predecessors, node));
    }

    /** The layers whose output no layer reads: the model's output layer. */
    public List<LayerNode> sinks() {
        return nodes.stream().filter(n -> successors.get(n.name()).isEmpty()).toList();
    }

    private static List<LayerNode> edges(Map<String, List<LayerNode>> edges, LayerNode node) {
        List<LayerNode> list = edges.get(node.name());
        if (list == null) {
            throw new IllegalArgumentException("no layer named " + node.name() + " in this dataflow");
        }
        return list;
    }
}
