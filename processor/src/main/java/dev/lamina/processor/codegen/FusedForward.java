package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.plan.Fusion;
import java.util.List;

/**
 * Writes the forward pass of a planned {@link Fusion}: the fused layers' summaries, one kernel call
 * timed as one profiler entry ({@code afterFusedForward}), then each layer's output taken from the call's
 * result and handed to {@code afterFusedLayer}, so that observers and the non-finite search see every
 * layer as without the fusion.
 */
final class FusedForward {
    private FusedForward() {}

    /**
     * The number of layers {@code fusion} spans, after writing their forward into {@code method} and
     * what backward keeps of them (beyond the layers' own saved tensors) into {@code saved}.
     */
    static int write(Fusion fusion, ClassLayout layout, BlockSections sections, MethodSpec.Builder method,
            CodeBlock.Builder saved) {
        List<LayerContext> layers = fusion.layers().stream().map(layout::layer).toList();
        for (LayerContext layer : layers) {
            sections.above(layer.node()).forEach(heading -> method.addComment("---- $L ----", heading));
            method.addComment("$L: $L -> $L", layer.name(), layer.emitter().summary(layer.node()),
                    Literals.batchShape(layer.node().output()));
            layer.node().rewrites().forEach(fact -> method.addComment("$L", fact.comment()));
        }
        method.addComment("$L", fusion.forwardComment());
        for (LayerContext layer : layers) {
            if (layer.inBackward()) {
                saved.add(layer.emitter().saveForBackward(layer));
            }
        }
        method.addCode(fusion.accept(new Fusion.Visitor<CodeBlock>() {
            @Override
            public CodeBlock batchNormActivation(Fusion.BatchNormActivation f) {
                return FusedForward.batchNormActivation(f, layout, saved);
            }
        }));
        return layers.size();
    }

    /** {@code BatchNormActivation.forward}, then the BatchNorm's, the activation's and the Dropout's outputs. */
    private static CodeBlock batchNormActivation(Fusion.BatchNormActivation fusion, ClassLayout layout,
            CodeBlock.Builder saved) {
        LayerContext batchNorm = layout.layer(fusion.batchNorm());
        LayerContext activation = layout.layer(fusion.activation());
        LayerContext dropout = fusion.dropout().map(layout::layer).orElse(null);
        LayerSpec.Activation act = (LayerSpec.Activation) activation.node().spec();
        String outputs = layout.fusedOutputs(fusion);
        CodeBlock.Builder code = CodeBlock.builder();
        if (dropout == null) {
            code.add("// No Dropout follows $L: drop rate 0.0 and no generator.\n", activation.name());
        }
        code
                .addStatement("$T $N = $T.forward($L)", RuntimeTypes.BATCH_NORM_ACTIVATION_OUTPUTS, outputs,
                        RuntimeTypes.BATCH_NORM_ACTIVATION, arguments(
                                CodeBlock.of("$N", batchNorm.in()),
                                batchNorm.value(Role.GAMMA),
                                batchNorm.value(Role.BETA),
                                CodeBlock.of("$N", batchNorm.field(Role.RUNNING_MEAN)),
                                CodeBlock.of("$N", batchNorm.field(Role.RUNNING_VAR)),
                                batchNorm.setting(Hyperparameter.MOMENTUM),
                                batchNorm.setting(Hyperparameter.EPSILON),
                                CodeBlock.of("$N", batchNorm.field(Role.CACHE)),
                                CodeBlock.of("$N", Members.TRAINING),
                                CodeBlock.of("$T.$L", RuntimeTypes.BATCH_NORM_ACTIVATION_FUNCTION,
                                        act.function().name()),
                                act.function() == Function.RELU ? CodeBlock.of("0.0") : activation.setting(
                                        act.function() == Function.ELU ? Hyperparameter.ALPHA : Hyperparameter.SLOPE),
                                dropout == null ? CodeBlock.of("0.0") : dropout.setting(Hyperparameter.RATE),
                                dropout == null ? CodeBlock.of("null") : CodeBlock.of("$N", Members.DROPOUT_RNG)))
                .add(ProfileHooks.fusedForward(fusion.layers().stream().map(layout::layer).toList(),
                        CodeBlock.of("$N.output()", outputs)))
                .addStatement("$T $N = $N.normalised()", RuntimeTypes.INDARRAY, batchNorm.out(), outputs)
                .add(ProfileHooks.fusedLayer(batchNorm))
                .addStatement("$T $N = $N.activated()", RuntimeTypes.INDARRAY, activation.out(), outputs);
        if (dropout != null) {
            code.add(ProfileHooks.fusedLayer(activation))
                    .addStatement("$T $N = $N.output()", RuntimeTypes.INDARRAY, dropout.out(), outputs);
            saved.addStatement("$N = $N.mask()", dropout.field(Role.MASK), outputs);
        }
        LayerContext last = dropout != null ? dropout : activation;
        return code.add(ProfileHooks.fusedLayer(last)).build();
    }
}
