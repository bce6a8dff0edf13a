package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import java.util.Map;

/**
 * One layer as the generated class sees it: its node, the Java names chosen for it, and where it
 * stands in the backward pass. Built by {@link ClassLayout}; read by the {@link LayerEmitter}s.
 */
final class LayerContext {
    private final LayerNode node;
    private final LayerEmitter emitter;
    private final String constant;
    private final Map<Role, String> fields;
    private final Map<Hyperparameter, String> settings;
    private final String in;
    private final String out;
    private final String dOut;
    private final String dIn;
    private final boolean inBackward;
    private final boolean firstWithParameters;
    private final LayerContext foldedBatchNorm;

    LayerContext(LayerNode node, LayerEmitter emitter, String constant, Map<Role, String> fields,
            Map<Hyperparameter, String> settings, String in,
            String out, String dOut, String dIn, boolean inBackward, boolean firstWithParameters,
            LayerContext foldedBatchNorm) {
        this.node = node;
        this.emitter = emitter;
        this.constant = constant;
        this.fields = Map.copyOf(fields);
        this.settings = Map.copyOf(settings);
        this.in = in;
        this.out = out;
        this.dOut = dOut;
        this.dIn = dIn;
        this.inBackward = inBackward;
        this.firstWithParameters = firstWithParameters;
        this.foldedBatchNorm = foldedBatchNorm;
    }

    /**
     * This layer as a pass other than the declared one runs it: {@code node} is its node there (a
     * moved layer's shapes differ) and {@code in} the local holding its input; everything else,
     * its output local included, stays.
     */
    LayerContext rebound(LayerNode node, String in) {
        return new LayerContext(node, emitter, constant, fields, settings, in, out, dOut, dIn, inBackward,
                firstWithParameters, foldedBatchNorm);
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
        return in;
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
        return dIn;
    }

    /** Whether backward runs this layer; layers before the first one with parameters are skipped. */
    boolean inBackward() {
        return inBackward;
    }

    /** Whether this is the first layer with parameters, where the backward pass ends. */
    boolean firstWithParameters() {
        return firstWithParameters;
    }

    /**
     * The BatchNorm right after this Conv2d or Dense layer that inference folds into it (see
     * {@code BatchNormFold}), or null.
     */
    LayerContext foldedBatchNorm() {
        return foldedBatchNorm;
    }
}
