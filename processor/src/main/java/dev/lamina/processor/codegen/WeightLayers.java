package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;

/** Code shared by emitters of layers whose backward kernel returns the input gradient. */
final class WeightLayers {
    private WeightLayers() {}

    /**
     * The kernel's last argument, whether to compute the input gradient, by name:
     * {@code GeneratedModel.INPUT_GRADIENT} or, for the first layer with parameters,
     * {@code NO_INPUT_GRADIENT}.
     */
    static CodeBlock inputGradient(LayerContext layer) {
        return CodeBlock.of("$N", layer.dIn() != null ? Members.INPUT_GRADIENT : Members.NO_INPUT_GRADIENT);
    }

    /** {@code INDArray dIn = call;}, or just {@code call;} when no input gradient is wanted. */
    static CodeBlock assignInputGrad(LayerContext layer, CodeBlock call) {
        CodeBlock.Builder code = CodeBlock.builder();
        if (layer.dIn() == null) {
            code.addStatement("$L", call);
        } else {
            code.addStatement("$T $N = $L", RuntimeTypes.INDARRAY, layer.dIn(), call);
        }
        return code.build();
    }
}
