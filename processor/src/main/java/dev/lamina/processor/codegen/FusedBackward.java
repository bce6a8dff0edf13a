package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
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

    /**
     * {@code BatchNormActivation.backward}: mask, activation slope and BatchNorm's backward in one pass per
     * channel, from the fused forward's kept result.
     */
    private static CodeBlock batchNormActivation(Fusion.BatchNormActivation fusion, ClassLayout layout) {
        LayerContext batchNorm = layout.layer(fusion.batchNorm());
        LayerContext last = layout.layer(fusion.layers().get(fusion.layers().size() - 1));
        CodeBlock call = CodeBlock.of("$T.backward($L)", RuntimeTypes.BATCH_NORM_ACTIVATION,
                arguments(
                        CodeBlock.of("$N", last.dOut()),
                        CodeBlock.of("$N", layout.fusionField(fusion)),
                        batchNorm.value(Role.GAMMA),
                        batchNorm.grad(Role.GAMMA),
                        batchNorm.grad(Role.BETA)));
        return WeightLayers.assignInputGrad(batchNorm, call);
    }
}
