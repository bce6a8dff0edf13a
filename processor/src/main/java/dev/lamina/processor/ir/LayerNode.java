package dev.lamina.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One layer of a model's IR: its name, what it computes, the shapes around it, where it was
 * declared, and what the rewrites changed about it.
 *
 * @param name     the layer's path from the model: the declaring method's name, under the block uses
 *                 that hold it ({@code stage1[2].res.conv1}); unique within the model
 * @param spec     kind and hyperparameters
 * @param input    shape of one input example (without batch)
 * @param output   shape of one output example (without batch)
 * @param source   where it was declared
 * @param rewrites what the rewrites applied to this node changed, in the order they ran
 */
public record LayerNode(String name, LayerSpec spec, Shape input, Shape output, SourceRef source,
        List<RewriteFact> rewrites) implements Step {
    public LayerNode {
        rewrites = List.copyOf(rewrites);
    }

    /** This node alone. */
    @Override
    public List<LayerNode> layers() {
        return List.of(this);
    }

    /** This node: a layer is rewritten as part of its run, by {@link Steps#mapSequences}. */
    @Override
    public LayerNode mapSequences(java.util.function.UnaryOperator<List<LayerNode>> rewrite) {
        return this;
    }

    /** This node with {@code newSpec}, and {@code fact} recording why. */
    public LayerNode withSpec(LayerSpec newSpec, RewriteFact fact) {
        List<RewriteFact> facts = new ArrayList<>(rewrites);
        facts.add(fact);
        return new LayerNode(name, newSpec, input, output, source, facts);
    }

    /** This node, unchanged but for {@code fact}. */
    public LayerNode with(RewriteFact fact) {
        return withSpec(spec, fact);
    }

    public LayerNode withShapes(Shape in, Shape out) {
        return new LayerNode(name, spec, in, out, source, rewrites);
    }

    /** The fact of type {@code type} a rewrite left on this node, if any. */
    public <T extends RewriteFact> Optional<T> fact(Class<T> type) {
        return rewrites.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Whether a rewrite left a fact of type {@code type} on this node. */
    public boolean has(Class<? extends RewriteFact> type) {
        return fact(type).isPresent();
    }

    /** Trainable scalars: weights and biases, BatchNorm's gamma and beta. */
    public long parameterCount() {
        return spec.parameterCount(input);
    }

    /** Non-trainable scalars the generated model keeps as buffers (BatchNorm's running statistics). */
    public long bufferCount() {
        return spec.bufferCount(input);
    }
}
