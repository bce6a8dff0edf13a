package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One layer as the generated class sees it: its node, the Java names chosen for it (the locals it
 * reads and declares in each pass), and where it stands in the backward pass. Built by
 * {@link ClassLayout}; read by the {@link LayerEmitter}s. A layer reads one input; a junction (a
 * residual addition, a concatenation) reads several, in order ({@link #ins()}, {@link #dIns()}).
 */
final class LayerContext {
    private final LayerNode node;
    private final LayerEmitter emitter;
    private final String constant;
    private final Map<Role, String> fields;
    private final Map<Hyperparameter, String> settings;
    private final List<String> ins;
    private final String out;
    private final String dOut;
    private final List<String> dIns;
    private final boolean inBackward;
    private final LayerContext foldedBatchNorm;

    /**
     * @param ins  the locals holding the layer's inputs in forward, in order
     * @param dIns per input, the local to declare for dLoss/d(that input) in backward, or null
     *             where nothing before needs it
     */
    LayerContext(LayerNode node, LayerEmitter emitter, String constant, Map<Role, String> fields,
            Map<Hyperparameter, String> settings, List<String> ins,
            String out, String dOut, List<String> dIns, boolean inBackward, LayerContext foldedBatchNorm) {
        this.node = node;
        this.emitter = emitter;
        this.constant = constant;
        this.fields = Map.copyOf(fields);
        this.settings = Map.copyOf(settings);
        this.ins = List.copyOf(ins);
        this.out = out;
        this.dOut = dOut;
        this.dIns = Collections.unmodifiableList(new ArrayList<>(dIns));
        this.inBackward = inBackward;
        this.foldedBatchNorm = foldedBatchNorm;
    }

    /**
     * This layer as a pass other than the declared one runs it: {@code node} is its node there (a
     * moved layer's shapes differ) and {@code ins} the locals holding its inputs; everything else,
     * its output local included, stays.
     */
    LayerContext rebound(LayerNode node, List<String> ins) {
        return new LayerContext(node, emitter, constant, fields, settings, ins, out, dOut, dIns, inBackward,
                foldedBatchNorm);
    }

    LayerNode node() {
        return node;
    }

    LayerEmitter emitter() {
        return emitter;
    }

    /** The layer's name, as declared. */
    String name() {
        return node.name();
    }

    /** The {@code LayerInfo} constant, e.g. {@code CONV1}. */
    String constant() {
        return constant;
    }

    /** The field of a parameter, buffer or cache of this layer, e.g. {@code conv1Weight} for {@code weight}. */
    String field(Role role) {
        String field = fields.get(role);
        if (field == null) {
            throw new IllegalArgumentException(node.name() + " has no field for " + role.key());
        }
        return field;
    }

    /** The constant holding one of this layer's hyperparameters, e.g. {@code BN1_MOMENTUM}. */
    CodeBlock setting(Hyperparameter name) {
        String constant = settings.get(name);
        if (constant == null) {
            throw new IllegalArgumentException(node.name() + " has no " + name);
        }
        return CodeBlock.of("$N", constant);
    }

    /** The names of this layer's hyperparameter constants. */
    Map<Hyperparameter, String> settings() {
        return settings;
    }

    /** {@code conv1Weight.value()}. */
    CodeBlock value(Role parameterRole) {
        return CodeBlock.of("$N.value()", field(parameterRole));
    }

    /** {@code conv1Weight.grad()}. */
    CodeBlock grad(Role parameterRole) {
        return CodeBlock.of("$N.grad()", field(parameterRole));
    }

    /** In forward: the local (or parameter) holding this layer's input. */
    String in() {
        if (ins.size() != 1) {
            throw new IllegalStateException(node.name() + " reads " + ins.size() + " inputs");
        }
        return ins.get(0);
    }

    /** In forward: the locals holding a junction's inputs, in order. */
    List<String> ins() {
        return ins;
    }

    /** In forward: the local this layer declares for its output, e.g. {@code conv1Out}. */
    String out() {
        return out;
    }

    /** In backward: the local (or parameter) holding dLoss/d(output of this layer). */
    String dOut() {
        return dOut;
    }

    /**
     * In backward: the local to declare for dLoss/d(input of this layer), named after the layer
     * before it ({@code dConv1Out}); null when nothing before this layer needs a gradient.
     */
    String dIn() {
        if (dIns.size() != 1) {
            throw new IllegalStateException(node.name() + " reads " + dIns.size() + " inputs");
        }
        return dIns.get(0);
    }

    /** In backward: per input of a junction, the local for dLoss/d(that input), or null. */
    List<String> dIns() {
        return dIns;
    }

    /** Whether backward runs this layer: it has parameters, or a layer that has reaches it. */
    boolean inBackward() {
        return inBackward;
    }

    /**
     * Whether the backward pass ends here on every path: the layer is in backward but nothing
     * before it needs a gradient (in a straight stack, the first layer with parameters).
     */
    boolean endsBackward() {
        return inBackward && dIns.stream().allMatch(d -> d == null);
    }

    /**
     * The BatchNorm right after this Conv2d or Dense layer that inference folds into it (see
     * {@code BatchNormFold}), or null.
     */
    LayerContext foldedBatchNorm() {
        return foldedBatchNorm;
    }
}
