package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.plan.Fusion;
import java.util.List;

/**
 * Writes the backward pass of a planned {@link Fusion}: the fused layers' summaries, then one kernel
 * call from the last layer's gradient to the first layer's input gradient.
 */
final class FusedBackward {
    private FusedBackward() {}

    /** The number of layers {@code fusion} spans, after writing their backward into {@code method}. */
    static int write(Fusion fusion, ClassLayout layout, MethodSpec.Builder method) {
        List<LayerContext> layers = fusion.layers().stream().map(layout::layer).toList();
        method.addCode("\n");
        for (int i = layers.size() - 1; i >= 0; i--) {
            LayerContext layer = layers.get(i);
            method.addComment("$L: $L", layer.name(), layer.emitter().summary(layer.node()));
        }
        method.addComment("$L", fusion.comment());
        if (layers.get(0).endsBackward()) {
            method.addComment("$L is the first layer with parameters: nothing before it needs a gradient.",
                    layers.get(0).name());
        }
        method.addCode(fusion.accept(new Fusion.Visitor<CodeBlock>() {
            @Override
            public CodeBlock batchNormActivation(Fusion.BatchNormActivation f) {
                return FusedBackward.batchNormActivation(f, layout);
            }
        }));
        return layers.size();
    }

    /** {@code BatchNormActivation.chainBackward}: mask, activation slope and BatchNorm's backward in one pass. */
    private static CodeBlock batchNormActivation(Fusion.BatchNormActivation fusion, ClassLayout layout) {
        LayerContext batchNorm = layout.layer(fusion.batchNorm());
        LayerContext activation = layout.layer(fusion.activation());
        LayerContext dropout = fusion.dropout().map(layout::layer).orElse(null);
        LayerContext last = dropout != null ? dropout : activation;
        LayerSpec.Activation act = (LayerSpec.Activation) activation.node().spec();
        CodeBlock call = CodeBlock.of("$T.chainBackward($L)", RuntimeTypes.BATCH_NORM_ACTIVATION,
                arguments(
                        CodeBlock.of("$N", last.dOut()),
                        dropout == null ? CodeBlock.of("null") : CodeBlock.of("$N", dropout.field(Role.MASK)),
                        CodeBlock.of("$T.$L", RuntimeTypes.BATCH_NORM_ACTIVATION_FUNCTION, act.function().name()),
                        act.function() == Function.RELU ? CodeBlock.of("0.0") : activation.setting(
                                act.function() == Function.ELU ? Hyperparameter.ALPHA : Hyperparameter.SLOPE),
                        CodeBlock.of("$N", activation.field(Role.INPUT)),
                        CodeBlock.of("$N", activation.field(Role.OUTPUT)),
                        batchNorm.value(Role.GAMMA),
                        CodeBlock.of("$N", batchNorm.field(Role.CACHE)),
                        batchNorm.grad(Role.GAMMA),
                        batchNorm.grad(Role.BETA)));
        return WeightLayers.assignInputGrad(batchNorm, call);
    }
}
