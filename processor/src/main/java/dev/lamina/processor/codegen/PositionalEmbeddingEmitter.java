package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import java.util.List;

/**
 * {@code @PositionalEmbedding}: {@link RuntimeTypes#POSITIONAL_EMBEDDING}, {@code y = x + weight} over
 * {@code [N, T, D]} with {@code weight [T, D]} drawn N(0, 0.02^2), GPT-2's {@code initializer_range}
 * and timm's ViT {@code pos_embed} standard deviation.
 */
final class PositionalEmbeddingEmitter implements LayerEmitter {
    /** GPT-2 ({@code initializer_range}) and ViT ({@code trunc_normal_(pos_embed, std=.02)}). */
    static final double STD = 0.02;

    @Override
    public String summary(LayerNode node) {
        return "PositionalEmbedding, learned, " + node.input().dim(0) + " positions of " + node.input().dim(1)
                + " features";
    }

    @Override
    public List<Tensor> parameters(LayerNode node) {
        return List.of(EmbeddingEmitter.normal(Role.WEIGHT, new long[] {node.input().dim(0), node.input().dim(1)},
                "positions, features", STD));
    }

    @Override
    public String initSummary(LayerNode node) {
        return "weight N(0, 0.02^2), as GPT-2 and ViT";
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($N, $L)", RuntimeTypes.INDARRAY, layer.out(),
                        RuntimeTypes.POSITIONAL_EMBEDDING, layer.in(), layer.value(Role.WEIGHT))
                .build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        CodeBlock call = CodeBlock.of("$T.backward($N, $L)", RuntimeTypes.POSITIONAL_EMBEDDING, layer.dOut(),
                layer.grad(Role.WEIGHT));
        return WeightLayers.assignInputGrad(layer, call);
    }
}
