package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.RewriteFact;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * Code of the {@code BatchNormFold} rewrite on the weight-layer side, shared by the Conv2d and Dense
 * emitters: the arrays the folded weight and bias live in, and an inference pass that folds the BatchNorm after the layer into them
 * ({@link RuntimeTypes#BATCH_NORM_FOLD}) and runs the layer on them. The layer's output local then
 * holds the BatchNorm's output, and the inference pass has no BatchNorm ({@code Rewrites.forInference}).
 */
final class FoldedBatchNorm {
    private FoldedBatchNorm() {}

    /** The folded weight (the weight's shape) and bias ({@code [channels]}) of a layer that folds, else none. */
    static List<LayerEmitter.Tensor> scratch(LayerNode node, long[] weightShape, String weightAxes, long channels,
            String channelAxis) {
        if (!node.has(RewriteFact.FoldsBatchNorm.class)) {
            return List.of();
        }
        return List.of(allocated(Role.FOLDED_WEIGHT, weightShape, weightAxes),
                allocated(Role.FOLDED_BIAS, new long[] {channels}, channelAxis));
    }

    private static LayerEmitter.Tensor allocated(Role role, long[] shape, String axes) {
        CodeBlock dims = java.util.Arrays.stream(shape).mapToObj(d -> CodeBlock.of("$L", d))
                .collect(CodeBlock.joining(", "));
        return new LayerEmitter.Tensor(role, shape, axes,
                CodeBlock.of("$T.allocate($N, $L)", RuntimeTypes.BATCH_NORM_FOLD, Members.DATA_TYPE, dims), false);
    }

    /**
     * Declares the layer's output: {@code call(weight, bias)} on its own parameters, or, in the
     * inference pass of a layer that folds a BatchNorm, on the folded ones, filled first by
     * {@code kernel} ({@code intoConv2d} or {@code intoDense}) from the BatchNorm's current parameters
     * and running statistics.
     *
     * @param inference whether this is the inference pass ({@link InferenceMethod})
     * @param bias the layer's bias expression, or {@code null} as code for none
     * @param call the layer's forward call on a weight and a bias expression
     */
    static CodeBlock forward(LayerContext layer, boolean inference, String kernel, CodeBlock bias,
            BinaryOperator<CodeBlock> call) {
        LayerContext bn = layer.foldedBatchNorm();
        if (!inference || bn == null) {
            return CodeBlock.builder()
                    .addStatement("$T $N = $L", RuntimeTypes.INDARRAY, layer.out(), call.apply(layer.value(Role.WEIGHT), bias))
                    .build();
        }
        CodeBlock foldedWeight = CodeBlock.of("$N", layer.field(Role.FOLDED_WEIGHT));
        CodeBlock foldedBias = CodeBlock.of("$N", layer.field(Role.FOLDED_BIAS));
        return CodeBlock.builder()
                .addStatement("$T.$L($L)", RuntimeTypes.BATCH_NORM_FOLD, kernel,
                        arguments(layer.value(Role.WEIGHT), bias, bn.value(Role.GAMMA), bn.value(Role.BETA),
                                CodeBlock.of("$N", bn.field(Role.RUNNING_MEAN)),
                                CodeBlock.of("$N", bn.field(Role.RUNNING_VAR)),
                                bn.setting(Hyperparameter.EPSILON), foldedWeight, foldedBias))
                .addStatement("$T $N = $L", RuntimeTypes.INDARRAY, layer.out(), call.apply(foldedWeight, foldedBias))
                .build();
    }
}
