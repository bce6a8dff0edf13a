package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.plan.Fusion;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the forward pass of a planned {@link Fusion}: the fused layers' summaries, one kernel call
 * timed as one profiler entry ({@code afterFusedForward}), then each layer's output taken from the call's
 * result (or computed on request) and handed to {@code afterFusedLayer}, so that observers and the
 * non-finite search see every layer as without the fusion; and the field that keeps the call's result
 * for the fused backward.
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
        method.addCode(fusion.accept(new Fusion.Visitor<CodeBlock>() {
            @Override
            public CodeBlock batchNormActivation(Fusion.BatchNormActivation f) {
                return FusedForward.batchNormActivation(f, layout, saved);
            }
        }));
        return layers.size();
    }

    /**
     * The field that keeps what {@code fusion}'s forward call returned from the last training forward
     * pass, for its backward call.
     */
    static FieldSpec field(Fusion fusion, ClassLayout layout) {
        return fusion.accept(new Fusion.Visitor<FieldSpec>() {
            @Override
            public FieldSpec batchNormActivation(Fusion.BatchNormActivation f) {
                return FieldSpec.builder(RuntimeTypes.BATCH_NORM_ACTIVATION_OUTPUTS, layout.fusionField(f),
                                Modifier.PRIVATE)
                        .addJavadoc("Input, batch statistics and dropout draw of the fused\n")
                        .addJavadoc("{@code $L}, kept by the last training forward pass: backward\n",
                                String.join(" + ", f.layers()))
                        .addJavadoc("computes the fused layers' outputs again from them instead of keeping them.\n")
                        .build();
            }
        });
    }

    /**
     * {@code BatchNormActivation.forward}, which writes the chain's last output only, then each layer's
     * output for observers: the others computed on request.
     */
    private static CodeBlock batchNormActivation(Fusion.BatchNormActivation fusion, ClassLayout layout,
            CodeBlock.Builder saved) {
        LayerContext batchNorm = layout.layer(fusion.batchNorm());
        LayerContext activation = layout.layer(fusion.activation());
        LayerContext dropout = fusion.dropout().map(layout::layer).orElse(null);
        LayerContext pool = fusion.pool().map(layout::layer).orElse(null);
        LayerSpec.Activation act = (LayerSpec.Activation) activation.node().spec();
        String outputs = layout.fusedOutputs(fusion);
        List<CodeBlock> arguments = new ArrayList<>(List.of(
                CodeBlock.of("$N", batchNorm.in()),
                batchNorm.value(Role.GAMMA),
                batchNorm.value(Role.BETA),
                CodeBlock.of("$N", batchNorm.field(Role.RUNNING_MEAN)),
                CodeBlock.of("$N", batchNorm.field(Role.RUNNING_VAR)),
                batchNorm.setting(Hyperparameter.MOMENTUM),
                batchNorm.setting(Hyperparameter.EPSILON),
                CodeBlock.of("$N", Members.TRAINING),
                CodeBlock.of("$T.$L", RuntimeTypes.BATCH_NORM_ACTIVATION_FUNCTION, act.function().name()),
                act.function() == Function.RELU ? CodeBlock.of("0.0") : activation.setting(
                        act.function() == Function.ELU ? Hyperparameter.ALPHA : Hyperparameter.SLOPE),
                dropout == null ? CodeBlock.of("0.0") : dropout.setting(Hyperparameter.RATE),
                dropout == null ? CodeBlock.of("null") : CodeBlock.of("$N", Members.DROPOUT_RNG)));
        if (pool != null) {
            arguments.add(pool.setting(Hyperparameter.GEOMETRY));
        }
        CodeBlock.Builder code = CodeBlock.builder();
        if (dropout == null) {
            code.add("// No Dropout follows $L: drop rate 0.0 and no generator.\n", activation.name());
        }
        code
                .addStatement("$T $N = $T.forward($L)", RuntimeTypes.BATCH_NORM_ACTIVATION_OUTPUTS, outputs,
                        RuntimeTypes.BATCH_NORM_ACTIVATION, arguments(arguments.toArray(CodeBlock[]::new)))
                .add(ProfileHooks.fusedForward(fusion.layers().stream().map(layout::layer).toList(),
                        CodeBlock.of("$N", batchNorm.in()),
                        CodeBlock.of("$N.$L()", outputs, pool == null ? "output" : "pooled")))
                .add("// Only the chain's last output was written; observers get the others computed when they watch.\n")
                .add(ProfileHooks.fusedLayer(batchNorm, CodeBlock.of("$N::normalised", outputs)));
        if (dropout != null) {
            code.add(ProfileHooks.fusedLayer(activation, CodeBlock.of("$N::activated", outputs)));
        }
        LayerContext elementwiseLast = dropout != null ? dropout : activation;
        LayerContext last = pool != null ? pool : elementwiseLast;
        if (pool != null) {
            code.add(ProfileHooks.fusedLayer(elementwiseLast, CodeBlock.of("$N::output", outputs)));
        }
        saved.addStatement("$N = $N", layout.fusionField(fusion), outputs);
        return code
                .addStatement("$T $N = $N.$L()", RuntimeTypes.INDARRAY, last.out(), outputs,
                        pool == null ? "output" : "pooled")
                .add(ProfileHooks.fusedLayer(last))
                .build();
    }
}
