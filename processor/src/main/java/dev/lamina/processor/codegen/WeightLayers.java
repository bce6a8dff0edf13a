package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;

/** Code shared by emitters of layers whose backward kernel returns the input gradient. */
final class WeightLayers {
    private WeightLayers() {}

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
