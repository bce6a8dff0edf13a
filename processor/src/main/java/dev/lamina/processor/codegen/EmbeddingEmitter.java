package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.doubleLiteral;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.List;

/**
 * {@code @Embedding}: {@link RuntimeTypes#EMBEDDING}, token ids {@code [N, T]} (INT or LONG) to
 * {@code [N, T, D]} through the table {@code weight [V, D]}, drawn N(0, 1) as PyTorch's
 * {@code nn.Embedding}. Backward scatters into the table's gradient; ids have no gradient, so the
 * pass ends here.
 */
final class EmbeddingEmitter implements LayerEmitter {
    /** PyTorch's {@code nn.Embedding} draws its table from N(0, 1). */
    static final double STD = 1.0;

    private static LayerSpec.Embedding spec(LayerNode node) {
        return (LayerSpec.Embedding) node.spec();
    }

    /** {@code Init.normal(shape, std, initRng, dataType)}. */
    static Tensor normal(Role role, long[] shape, String axes, double std) {
        return new Tensor(role, shape, axes,
                CodeBlock.of("$T.normal($L, $L, $N, $N)", RuntimeTypes.INIT, Literals.longArray(shape),
                        doubleLiteral(std), Members.INIT_RNG, Members.DATA_TYPE),
                true);
    }

    @Override
    public String summary(LayerNode node) {
        LayerSpec.Embedding embedding = spec(node);
        return "Embedding of " + embedding.vocabulary() + " token ids into " + embedding.dim() + " features";
    }

    @Override
    public List<Tensor> parameters(LayerNode node) {
        LayerSpec.Embedding embedding = spec(node);
        return List.of(normal(Role.WEIGHT, new long[] {embedding.vocabulary(), embedding.dim()}, "token ids, features",
                STD));
    }

    @Override
    public String initSummary(LayerNode node) {
        return "weight N(0, 1), as nn.Embedding";
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.INPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Token ids read", node, node.input()),
                null));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        // An id outside [0, V) is an IllegalArgumentException naming it, its position and V.
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($N, $L)", RuntimeTypes.INDARRAY, layer.out(), RuntimeTypes.EMBEDDING,
                        layer.in(), layer.value(Role.WEIGHT))
                .build();
    }

    @Override
    public CodeBlock saveForBackward(LayerContext layer) {
        return CodeBlock.builder().addStatement("$N = $N", layer.field(Role.INPUT), layer.in()).build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T.backward($N, $N, $L)", RuntimeTypes.EMBEDDING, layer.field(Role.INPUT), layer.dOut(),
                        layer.grad(Role.WEIGHT))
                .build();
    }
}
