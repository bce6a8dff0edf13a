package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;
import static dev.lamina.processor.codegen.Literals.doubleLiteral;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.rewrite.BatchNormFold;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * Code of the {@code BatchNormFold} rewrite on the weight-layer side, shared by the Conv2d and Dense
 * emitters: the arrays the folded weight and bias live in, and a forward pass that, while
 * {@link Members#FOLD_BATCH_NORM} holds, folds the BatchNorm after the layer into them
 * ({@link RuntimeTypes#BATCH_NORM_FOLD}) and runs the layer on them. The layer's output local then
 * already holds the BatchNorm's output; {@link BatchNormEmitter} passes it on.
 */
final class FoldedBatchNorm {
    private FoldedBatchNorm() {}

    /** The folded weight (the weight's shape) and bias ({@code [channels]}) of a layer that folds, else none. */
    static List<LayerEmitter.Tensor> scratch(LayerNode node, long[] weightShape, String weightAxes, long channels,
            String channelAxis) {
        if (!BatchNormFold.foldsNext(node)) {
            return List.of();
        }
        return List.of(allocated("folded_weight", weightShape, weightAxes),
                allocated("folded_bias", new long[] {channels}, channelAxis));
    }

    private static LayerEmitter.Tensor allocated(String role, long[] shape, String axes) {
        CodeBlock dims = java.util.Arrays.stream(shape).mapToObj(d -> CodeBlock.of("$L", d))
                .collect(CodeBlock.joining(", "));
        return new LayerEmitter.Tensor(role, shape, axes,
                CodeBlock.of("$T.allocate($N, $L)", RuntimeTypes.BATCH_NORM_FOLD, Members.DATA_TYPE, dims), false);
    }

    /**
     * Declares the layer's output: {@code call(weight, bias)} on its own parameters, or, when it folds
     * a BatchNorm and the pass folds, on the folded ones, filled first by {@code kernel}
     * ({@code intoConv2d} or {@code intoDense}).
     *
     * @param bias the layer's bias expression, or {@code null} as code for none
     * @param call the layer's forward call on a weight and a bias expression
     */
    static CodeBlock forward(LayerContext layer, String kernel, CodeBlock bias, BinaryOperator<CodeBlock> call) {
        LayerContext bn = layer.foldedBatchNorm();
        CodeBlock unfolded = call.apply(layer.value("weight"), bias);
        if (bn == null) {
            return CodeBlock.builder()
                    .addStatement("$T $N = $L", RuntimeTypes.INDARRAY, layer.out(), unfolded)
                    .build();
        }
        LayerSpec.BatchNorm spec = (LayerSpec.BatchNorm) bn.node().spec();
        CodeBlock foldedWeight = CodeBlock.of("$N", layer.field("folded_weight"));
        CodeBlock foldedBias = CodeBlock.of("$N", layer.field("folded_bias"));
        return CodeBlock.builder()
                .addStatement("$T $N", RuntimeTypes.INDARRAY, layer.out())
                .beginControlFlow("if ($N)", Members.FOLD_BATCH_NORM)
                .addStatement("$T.$L($L)", RuntimeTypes.BATCH_NORM_FOLD, kernel,
                        arguments(layer.value("weight"), bias, bn.value("gamma"), bn.value("beta"),
                                CodeBlock.of("$N", bn.field("running_mean")),
                                CodeBlock.of("$N", bn.field("running_var")),
                                CodeBlock.of("$L", doubleLiteral(spec.epsilon())), foldedWeight, foldedBias))
                .addStatement("$N = $L", layer.out(), call.apply(foldedWeight, foldedBias))
                .nextControlFlow("else")
                .addStatement("$N = $L", layer.out(), unfolded)
                .endControlFlow()
                .build();
    }
}
