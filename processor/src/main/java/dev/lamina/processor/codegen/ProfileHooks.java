package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Objects;

/**
 * The statement after each layer of each pass that calls the base class's hook: in forward
 * {@code afterLayer("conv1", input, conv1Out)} (layer observer, non-finite search and profiler), in the
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
        return CodeBlock.builder().addStatement("afterBackward($S, $N)",
                String.join("+", layers.stream().map(LayerContext::name).toList()),
                inputGradient ? Members.INPUT_GRADIENT : Members.NO_INPUT_GRADIENT).build();
    }
}
