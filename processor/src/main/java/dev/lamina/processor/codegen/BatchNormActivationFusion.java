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
 * Fusion rule {@value #RULE}: for a BatchNorm followed directly by a ReLU, LeakyReLU or ELU, and
 * optionally then a Dropout, the backward pass makes one call of the runtime kernel
 * {@code BatchNormActivation.chainBackward} (mask, activation slope and BatchNorm's backward in one
 * pass) instead of three or two. It reads what the layers' own forward code keeps (BatchNorm's
 * cache, the activation's input and output, the mask), so the forward pass, inference, layer
 * observers and the non-finite search are untouched.
 *
 * <p>The forward pass is not fused: the kernel's fused {@code forwardTrain} measured slower than
 * the separate calls at the seed network's shapes (its exp and its Java loops run after libnd4j
 * ops whose OpenMP threads still spin; see {@code KernelBenchmark --fusion}), while the fused
 * backward measured 1.6-1.9x faster.
 */
final class BatchNormActivationFusion {
    /** The rule's name, in the comment above the fused code. */
    static final String RULE = "BatchNormActivation";

    private static final Set<Function> FUSABLE = Set.of(Function.RELU, Function.LEAKY_RELU, Function.ELU);

    private final LayerContext batchNorm;
    private final LayerContext activation;
    private final LayerContext dropout;

    BatchNormActivationFusion(LayerContext batchNorm, LayerContext activation, LayerContext dropout) {
        this.batchNorm = batchNorm;
        this.activation = activation;
        this.dropout = dropout;
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

    LayerContext last() {
        return dropout != null ? dropout : activation;
    }

    /** {@code "bn1 + act1 + drop1"}. */
    String names() {
        return layers().stream().map(LayerContext::name).collect(Collectors.joining(" + "));
    }

    /** Backward: the layers' summaries, then one kernel call from the last layer's gradient to BatchNorm's input. */
    void backward(MethodSpec.Builder method) {
        LayerSpec.Activation act = (LayerSpec.Activation) activation.node().spec();
        method.addCode("\n");
        List<LayerContext> layers = layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            LayerContext layer = layers.get(i);
            method.addComment("$L: $L", layer.name(), layer.emitter().summary(layer.node()));
        }
        method.addComment("fusion $L: backward of $L in one pass", RULE, names());
        if (batchNorm.firstWithParameters()) {
            method.addComment("$L is the first layer with parameters: nothing before it needs a gradient.",
                    batchNorm.name());
        }
        CodeBlock call = CodeBlock.of("$T.chainBackward($L)", RuntimeTypes.BATCH_NORM_ACTIVATION,
                arguments(
                        CodeBlock.of("$N", last().dOut()),
                        dropout == null ? CodeBlock.of("null") : CodeBlock.of("$N", dropout.field("mask")),
                        CodeBlock.of("$T.$L", RuntimeTypes.BATCH_NORM_ACTIVATION_FUNCTION, act.function().name()),
                        CodeBlock.of("$L", doubleLiteral(act.function() == Function.RELU ? 0.0 : act.parameter())),
                        CodeBlock.of("$N", activation.field("input")),
                        CodeBlock.of("$N", activation.field("output")),
                        batchNorm.value("gamma"),
                        CodeBlock.of("$N", batchNorm.field("cache")),
                        batchNorm.grad("gamma"),
                        batchNorm.grad("beta")));
        method.addCode(WeightLayers.assignInputGrad(batchNorm, call));
    }
}
