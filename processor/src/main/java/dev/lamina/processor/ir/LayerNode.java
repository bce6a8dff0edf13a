package dev.lamina.processor.ir;

import java.util.List;

/**
 * One layer of a model's IR: its name, what it computes, the shapes around it, where it was
 * declared, and the rewrites that changed it (for comments in the generated code).
 *
 * @param name     the declaring method's name; unique within the model
 * @param spec     kind and hyperparameters
 * @param input    shape of one input example (without batch)
 * @param output   shape of one output example (without batch)
 * @param source   where it was declared
 * @param rewrites notes of the rewrites applied to this node, each naming its rule
 */
public record LayerNode(String name, LayerSpec spec, Shape input, Shape output, SourceRef source,
        List<String> rewrites) {
    public LayerNode {
        rewrites = List.copyOf(rewrites);
    }

    public LayerNode withSpec(LayerSpec newSpec, String rewriteNote) {
        return new LayerNode(name, newSpec, input, output, source, append(rewriteNote));
    }

    public LayerNode withShapes(Shape in, Shape out) {
        return new LayerNode(name, spec, in, out, source, rewrites);
    }

    private List<String> append(String note) {
        var list = new java.util.ArrayList<>(rewrites);
        list.add(note);
        return list;
    }

    /** Trainable scalars: weights and biases, BatchNorm's gamma and beta. */
    public long parameterCount() {
        if (spec instanceof LayerSpec.Conv2d c) {
            long w = (long) c.filters() * input.dim(0) * c.kernel() * c.kernel();
            return w + (c.bias() ? c.filters() : 0);
        }
        if (spec instanceof LayerSpec.Dense d) {
            return (long) d.units() * input.dim(0) + (d.bias() ? d.units() : 0);
        }
        if (spec instanceof LayerSpec.BatchNorm) {
            return 2L * input.dim(0);
        }
        return 0;
    }

    /**
     * Non-trainable scalars the generated model keeps as buffers: BatchNorm's running mean and
     * running variance, one per channel each.
     */
    public long bufferCount() {
        return spec instanceof LayerSpec.BatchNorm ? 2L * input.dim(0) : 0;
    }
}
