package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;
import static dev.lamina.processor.codegen.Literals.doubleLiteral;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fusion rule {@value #RULE}: a BatchNorm followed directly by a ReLU, LeakyReLU or ELU, and
 * optionally then a Dropout, runs in a training forward pass as one call of the runtime kernel
 * {@code BatchNormActivation} (normalise, activate and mask in one pass over the tensor), and its
 * backward as one call too. The layers keep their own code for everything else: inference, and
 * training while a layer observer is attached or {@code firstNonFiniteLayer} is looking, since both
 * need each layer's output, which the fused pass never forms. A flag field records which way the
 * last forward pass went, so that backward takes the same way.
 *
 * <p>The kernel draws the dropout mask from the model's dropout generator exactly as
 * {@code Dropout.sampleMask} does, so both ways compute the same training pass for the same
 * dropout seed (up to rounding of ELU's exp in FLOAT).
 */
final class BatchNormActivationFusion {
    /** The rule's name, in the comment above the fused code. */
    static final String RULE = "BatchNormActivation";

    private static final Set<Function> FUSABLE = Set.of(Function.RELU, Function.LEAKY_RELU, Function.ELU);

    private final LayerContext batchNorm;
    private final LayerContext activation;
    private final LayerContext dropout;
    private final String flag;
    private final String cache;
    private final String unfusedOut;
    private final String unfusedDIn;

    BatchNormActivationFusion(LayerContext batchNorm, LayerContext activation, LayerContext dropout, String flag,
            String cache, String unfusedOut, String unfusedDIn) {
        this.batchNorm = batchNorm;
        this.activation = activation;
        this.dropout = dropout;
        this.flag = flag;
        this.cache = cache;
        this.unfusedOut = unfusedOut;
        this.unfusedDIn = unfusedDIn;
    }

    /** How many layers, from {@code layers[i]} on, the rule fuses: 0, 2 or 3. */
    static int span(List<LayerContext> layers, int i) {
        if (i + 1 >= layers.size() || !(layers.get(i).emitter() instanceof BatchNormEmitter)
                || !layers.get(i).inBackward()
                || !(layers.get(i + 1).node().spec() instanceof LayerSpec.Activation act)
                || !FUSABLE.contains(act.function())) {
            return 0;
        }
        return i + 2 < layers.size() && layers.get(i + 2).node().spec() instanceof LayerSpec.Dropout ? 3 : 2;
    }

    /** The fused layers in order. */
    List<LayerContext> layers() {
        List<LayerContext> layers = new ArrayList<>(List.of(batchNorm, activation));
        if (dropout != null) {
            layers.add(dropout);
        }
        return layers;
    }

    LayerContext first() {
        return batchNorm;
    }

    LayerContext last() {
        return dropout != null ? dropout : activation;
    }

    /** The flag field: whether the last forward pass ran fused. */
    String flag() {
        return flag;
    }

    /** The field holding the fused kernel's cache. */
    String cache() {
        return cache;
    }

    /** {@code "bn1 + act1 + drop1"}. */
    String names() {
        return layers().stream().map(LayerContext::name).collect(Collectors.joining(" + "));
    }

    /**
     * Forward: declares the last layer's output local, fused in training without an observer, else each
     * layer's own code (with its {@code afterLayer} call and what it keeps for backward) in a block.
     */
    void forward(MethodSpec.Builder method) {
        LayerSpec.BatchNorm bn = (LayerSpec.BatchNorm) batchNorm.node().spec();
        LayerSpec.Activation act = (LayerSpec.Activation) activation.node().spec();
        double rate = dropout == null ? 0.0 : ((LayerSpec.Dropout) dropout.node().spec()).rate();
        LayerContext last = last();
        method.addCode("\n")
                .addComment("fusion $L: $L in one pass", RULE, names())
                .addComment("(training only; layer observers and the non-finite search get the unfused code)")
                .addStatement("$T $N", RuntimeTypes.INDARRAY, last.out())
                .addStatement("$N = $N && $N == null && !$N", flag, Members.TRAINING, Members.LAYER_OBSERVER,
                        Members.FIND_NON_FINITE)
                .beginControlFlow("if ($N)", flag)
                .addStatement("$N = $T.forwardTrain($L)", last.out(), RuntimeTypes.BATCH_NORM_ACTIVATION,
                        arguments(
                                CodeBlock.of("$N", batchNorm.in()),
                                batchNorm.value("gamma"),
                                batchNorm.value("beta"),
                                CodeBlock.of("$N", batchNorm.field("running_mean")),
                                CodeBlock.of("$N", batchNorm.field("running_var")),
                                CodeBlock.of("$L", doubleLiteral(bn.momentum())),
                                CodeBlock.of("$L", doubleLiteral(bn.epsilon())),
                                CodeBlock.of("$T.$L", RuntimeTypes.BATCH_NORM_ACTIVATION_FUNCTION,
                                        act.function().name()),
                                CodeBlock.of("$L", doubleLiteral(act.function() == Function.RELU ? 0.0
                                        : act.parameter())),
                                CodeBlock.of("$L", doubleLiteral(rate)),
                                dropout == null ? CodeBlock.of("null") : CodeBlock.of("$N", Members.DROPOUT_RNG),
                                CodeBlock.of("$N", cache)))
                .nextControlFlow("else");
        CodeBlock.Builder saved = CodeBlock.builder();
        for (LayerContext layer : layers()) {
            LayerContext inBlock = layer == last ? layer.withLocals(unfusedOut, layer.dIn()) : layer;
            method.addComment("$L: $L -> $L", layer.name(), layer.emitter().summary(layer.node()),
                    Literals.batchShape(layer.node().output()));
            for (String note : layer.node().rewrites()) {
                method.addComment("rewrite $L", note.replaceAll("\\s+", " "));
            }
            method.addCode(layer.emitter().forward(inBlock))
                    .addStatement("$N($S, $N)", Members.AFTER_LAYER, layer.name(), inBlock.out());
            saved.add(layer.emitter().saveForBackward(inBlock));
        }
        method.addStatement("$N = $N", last.out(), unfusedOut);
        if (!saved.isEmpty()) {
            method.beginControlFlow("if ($N)", Members.TRAINING)
                    .addCode(saved.build())
                    .endControlFlow();
        }
        method.endControlFlow();
    }

    /** Backward: one kernel call if forward ran fused, else each layer's own code in reverse, in a block. */
    void backward(MethodSpec.Builder method) {
        LayerContext last = last();
        method.addCode("\n")
                .addComment("fusion $L: $L in one pass, if forward ran them so", RULE, names());
        if (batchNorm.firstWithParameters()) {
            method.addComment("$L is the first layer with parameters: nothing before it needs a gradient.",
                    batchNorm.name());
        }
        CodeBlock call = CodeBlock.of("$T.backward($L)", RuntimeTypes.BATCH_NORM_ACTIVATION,
                arguments(
                        CodeBlock.of("$N", last.dOut()),
                        batchNorm.value("gamma"),
                        CodeBlock.of("$N", cache),
                        batchNorm.grad("gamma"),
                        batchNorm.grad("beta")));
        if (batchNorm.dIn() != null) {
            method.addStatement("$T $N", RuntimeTypes.INDARRAY, batchNorm.dIn())
                    .beginControlFlow("if ($N)", flag)
                    .addStatement("$N = $L", batchNorm.dIn(), call);
        } else {
            method.beginControlFlow("if ($N)", flag)
                    .addStatement("$L", call);
        }
        method.nextControlFlow("else");
        List<LayerContext> layers = layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            LayerContext layer = layers.get(i);
            LayerContext inBlock = layer == batchNorm && layer.dIn() != null
                    ? layer.withLocals(layer.out(), unfusedDIn)
                    : layer;
            method.addComment("$L: $L", layer.name(), layer.emitter().summary(layer.node()))
                    .addCode(layer.emitter().backward(inBlock));
        }
        if (batchNorm.dIn() != null) {
            method.addStatement("$N = $N", batchNorm.dIn(), unfusedDIn);
        }
        method.endControlFlow();
    }
}
