package dev.lamina.processor.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run of steps flattened into layers and the tensors between them: the layer nodes in execution
 * order (each after every layer whose output it reads) and, for each, the layers whose outputs it
 * reads, in order. A layer reads one input; an {@link LayerSpec.Add} reads the shortcut's output
 * then the body's; a {@link LayerSpec.Concat} reads its parts in concatenation order. A read of the
 * model's (or pass's) input is {@link #INPUT}.
 *
 * @param nodes  every layer node, in execution order
 * @param inputs by layer name, the names of the layers whose outputs it reads (or {@link #INPUT})
 * @param output the name of the layer whose output is the result, or {@link #INPUT} for no layers
 */
public record Graph(List<LayerNode> nodes, Map<String, List<String>> inputs, String output) {
    /** Stands for the input tensor where a layer reads it; not a valid layer name. */
    public static final String INPUT = "<input>";

    public Graph {
        nodes = List.copyOf(nodes);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        inputs.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        inputs = java.util.Collections.unmodifiableMap(copy);
    }

    /** The graph of {@code steps}. */
    public static Graph of(List<? extends Step> steps) {
        List<LayerNode> nodes = new ArrayList<>();
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        String output = flatten(steps, INPUT, nodes, inputs);
        return new Graph(nodes, inputs, output);
    }

    private static String flatten(List<? extends Step> steps, String from, List<LayerNode> nodes,
            Map<String, List<String>> inputs) {
        String at = from;
        for (Step step : steps) {
            if (step instanceof LayerNode node) {
                at = add(node, List.of(at), nodes, inputs);
            } else if (step instanceof Group group) {
                at = flatten(group.steps(), at, nodes, inputs);
            } else if (step instanceof Residual residual) {
                String body = flatten(residual.body(), at, nodes, inputs);
                String shortcut = flatten(residual.shortcut(), at, nodes, inputs);
                at = add(residual.add(), List.of(shortcut, body), nodes, inputs);
            } else if (step instanceof Concat concat) {
                List<String> parts = new ArrayList<>();
                if (concat.withInput()) {
                    parts.add(at);
                }
                for (Concat.Branch branch : concat.branches()) {
                    parts.add(flatten(branch.steps(), at, nodes, inputs));
                }
                at = add(concat.concat(), parts, nodes, inputs);
            }
        }
        return at;
    }

    private static String add(LayerNode node, List<String> reads, List<LayerNode> nodes,
            Map<String, List<String>> inputs) {
        if (inputs.containsKey(node.name())) {
            throw new IllegalArgumentException("two layers are named " + node.name());
        }
        nodes.add(node);
        inputs.put(node.name(), reads);
        return node.name();
    }

    /** The names of the layers (or {@link #INPUT}) whose outputs {@code node} reads, in order. */
    public List<String> inputsOf(LayerNode node) {
        List<String> in = inputs.get(node.name());
        if (in == null) {
            throw new IllegalArgumentException("no layer named " + node.name() + " in this graph");
        }
        return in;
    }

    /** The layers that read the output of {@code name} (a layer's name or {@link #INPUT}), in execution order. */
    public List<LayerNode> readersOf(String name) {
        List<LayerNode> readers = new ArrayList<>();
        for (LayerNode node : nodes) {
            if (inputs.get(node.name()).contains(name)) {
                readers.add(node);
            }
        }
        return readers;
    }

    /** The node named {@code name}. */
    public LayerNode node(String name) {
        for (LayerNode node : nodes) {
            if (node.name().equals(name)) {
                return node;
            }
        }
        throw new IllegalArgumentException("no layer named " + name + " in this graph");
    }

    /** For each layer name, the layers that read its output; for the lint's {@link Dataflow}. */
    public Map<String, List<String>> successors() {
        Map<String, List<String>> successors = new HashMap<>();
        for (LayerNode node : nodes) {
            for (String in : inputs.get(node.name())) {
                if (!in.equals(INPUT)) {
                    List<String> list = successors.computeIfAbsent(in, k -> new ArrayList<>());
                    if (!list.contains(node.name())) {
                        list.add(node.name());
                    }
                }
            }
        }
        return successors;
    }
}
