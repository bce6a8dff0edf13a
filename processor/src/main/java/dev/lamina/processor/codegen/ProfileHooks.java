package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Objects;

/**
 * The statement after each layer of each pass that calls the base class's hook: in forward
 * {@code afterLayer("conv1", input, conv1Out)} (layer observer, non-finite search and profiler; a
 * fusion's kernel call is one profiler entry, {@code afterFusedForward("bn1+act1", act1Out)}, and its
 * layers get {@code afterFusedLayer}), in the
 * inference pass {@code afterInferenceLayer("conv1", input, conv1Out)}, in backward
 * {@code afterBackward("conv1", NO_INPUT_GRADIENT)} (profiler only). A junction, which reads several
 * inputs, names only its output. The hooks cost a field read while no profiler is attached.
 */
final class ProfileHooks {
    private ProfileHooks() {}

    /** After {@code layer} in forward. */
    static CodeBlock forward(LayerContext layer) {
        return after("afterLayer", layer);
    }

    /** After {@code layer} in the inference pass. */
    static CodeBlock inference(LayerContext layer) {
        return after("afterInferenceLayer", layer);
    }

    /**
     * Right after a fusion's forward kernel call:
     * {@code afterFusedForward("bn1+act1+drop1", conv1Out, outputs.output())}, one profiler entry for the
     * call, named as the fusion's backward entry; {@code input} is the first layer's input, {@code output}
     * the last layer's output.
     */
    static CodeBlock fusedForward(List<LayerContext> layers, CodeBlock input, CodeBlock output) {
        return CodeBlock.builder()
                .addStatement("afterFusedForward($S, $L, $L)", joinedNames(layers), input, output)
                .build();
    }

    /** After each layer's output of a fusion is taken from the call: observers and non-finite search only. */
    static CodeBlock fusedLayer(LayerContext layer) {
        return CodeBlock.builder().addStatement("afterFusedLayer($S, $N)", layer.name(), layer.out()).build();
    }

    /**
     * After a fused layer whose output the kernel call did not write: observers and the non-finite search
     * get {@code output}, a {@code Supplier} that computes it only when one of them watches.
     */
    static CodeBlock fusedLayer(LayerContext layer, CodeBlock output) {
        return CodeBlock.builder().addStatement("afterFusedLayer($S, $L)", layer.name(), output).build();
    }

    private static String joinedNames(List<LayerContext> layers) {
        return String.join("+", layers.stream().map(LayerContext::name).toList());
    }

    private static CodeBlock after(String hook, LayerContext layer) {
        if (layer.ins().size() == 1) {
            return CodeBlock.builder()
                    .addStatement("$L($S, $N, $N)", hook, layer.name(), layer.in(), layer.out())
                    .build();
        }
        return CodeBlock.builder().addStatement("$L($S, $N)", hook, layer.name(), layer.out()).build();
    }

    /**
     * After the backward of {@code layers}: one layer, or a fusion's layers in forward order (named
     * {@code bn1+act1+drop1}); whether it computed an input gradient is the first layer's.
     */
    static CodeBlock backward(List<LayerContext> layers) {
        LayerContext first = layers.get(0);
        boolean inputGradient = first.dIns().stream().anyMatch(Objects::nonNull);
        return CodeBlock.builder().addStatement("afterBackward($S, $N)", joinedNames(layers),
                inputGradient ? Members.INPUT_GRADIENT : Members.NO_INPUT_GRADIENT).build();
    }
}
