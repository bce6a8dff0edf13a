package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import java.util.List;

/**
 * Writes the code of one layer kind: the tensors it owns, what its forward pass keeps, and its
 * forward and backward statements. {@link ModelGenerator} owns the class around them and calls one
 * emitter per layer, in order for forward and in reverse for backward.
 *
 * <p>A fused or rewritten layer gets its own emitter; {@link LayerEmitters#forSpec} picks one by
 * the layer's spec.
 */
interface LayerEmitter {

    /**
     * A tensor the layer owns: a trainable parameter ({@code <layer>.<role>}) or a buffer.
     *
     * @param role   what the tensor is: weight, bias, gamma, running mean, ...
     * @param shape  the tensor's shape
     * @param axes   what the axes mean, for the field's Javadoc: {@code "filters, channels, kernel rows, kernel columns"}
     * @param init   an expression of the initial value; may use {@link Members#INIT_RNG} and {@link Members#DATA_TYPE}
     * @param random whether {@code init} draws from {@link Members#INIT_RNG}
     */
    record Tensor(Role role, long[] shape, String axes, CodeBlock init, boolean random) {}

    /**
     * A field that the training forward pass fills for the backward pass.
     *
     * @param role        what the field keeps: input, output, mask, cache, ...
     * @param type        the field's type
     * @param doc         Javadoc of the field
     * @param initializer a final field's initializer, or null for a field that forward assigns
     */
    record Cache(Role role, TypeName type, String doc, CodeBlock initializer) {}

    /**
     * A hyperparameter the layer passes to its kernels, written once as a constant.
     *
     * @param name  which one; the constant is named after the layer and it ({@code BN1_MOMENTUM})
     * @param type  the constant's type
     * @param value the constant's initializer
     */
    record Setting(Hyperparameter name, TypeName type, CodeBlock value) {}

    /** What the layer computes, for comments: {@code "Conv2d 1->32, 3x3, stride 1, VALID"}. */
    String summary(LayerNode node);

    /** The layer's hyperparameter constants, read through {@link LayerContext#setting}. */
    default List<Setting> settings(LayerNode node) {
        return List.of();
    }

    /** Trainable parameters, in the order they are drawn and listed. */
    default List<Tensor> parameters(LayerNode node) {
        return List.of();
    }

    /**
     * Tensors that the declared layer had but a rewrite removed: still drawn from the init stream,
     * in the declared order right after {@link #parameters}, into constructor locals (so that every
     * later parameter gets the same value with or without rewrites), but not kept.
     */
    default List<Tensor> elided(LayerNode node) {
        return List.of();
    }

    /** Non-trainable state that inference needs. */
    default List<Tensor> buffers(LayerNode node) {
        return List.of();
    }

    /**
     * Arrays the layer keeps across forward passes and overwrites before each use, allocated once in
     * the constructor: neither parameters nor buffers (not listed, not saved). The folded weight and
     * bias of {@code BatchNormFold}.
     */
    default List<Tensor> scratch(LayerNode node) {
        return List.of();
    }

    /** How {@link #parameters} and {@link #buffers} start, for the comment above their initialisation. */
    default String initSummary(LayerNode node) {
        return "";
    }

    /** Fields for {@link #backward}; only made for layers that the backward pass visits. */
    default List<Cache> caches(LayerNode node) {
        return List.of();
    }

    /** Statements that declare {@link LayerContext#out()} from {@link LayerContext#in()}. */
    CodeBlock forward(LayerContext layer);

    /**
     * Statements that declare {@link LayerContext#out()} from {@link LayerContext#in()} in the
     * inference pass ({@link InferenceMethod}), where no layer is training. By default those of
     * {@link #forward}, for layers whose forward code has no training branch.
     */
    default CodeBlock inference(LayerContext layer) {
        return forward(layer);
    }

    /**
     * Statements run at the end of a training forward pass that keep what {@link #backward} reads,
     * or an empty block.
     */
    default CodeBlock saveForBackward(LayerContext layer) {
        return CodeBlock.of("");
    }

    /**
     * Statements that accumulate parameter gradients from {@link LayerContext#dOut()} and, unless
     * {@link LayerContext#dIn()} is null, declare it as dLoss/d(input).
     */
    CodeBlock backward(LayerContext layer);
}
