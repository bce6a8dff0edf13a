package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;
import static dev.lamina.processor.codegen.Literals.doubleLiteral;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.List;

/**
 * {@code @LayerNorm} over the last axis of {@code [N, D]} or {@code [N, T, D]}: {@link RuntimeTypes#LAYER_NORM},
 * the same computation in training and inference (no running statistics); gamma starts at 1 and beta
 * at 0, as PyTorch's {@code nn.LayerNorm}.
 */
final class LayerNormEmitter implements LayerEmitter {

    private static LayerSpec.LayerNorm spec(LayerNode node) {
        return (LayerSpec.LayerNorm) node.spec();
    }

    private static long features(LayerNode node) {
        return node.input().last();
    }

    @Override
    public String summary(LayerNode node) {
        return "LayerNorm over " + features(node) + " features" + (node.input().isSequence() ? " per token" : "")
                + ", eps " + doubleLiteral(spec(node).epsilon());
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        return List.of(new Setting(Hyperparameter.EPSILON, TypeName.DOUBLE,
                CodeBlock.of("$L", doubleLiteral(spec(node).epsilon()))));
    }

    @Override
    public List<Tensor> parameters(LayerNode node) {
        return List.of(filled(Role.GAMMA, node, "ones"), filled(Role.BETA, node, "zeros"));
    }

    private static Tensor filled(Role role, LayerNode node, String nd4jFactory) {
        long d = features(node);
        return new Tensor(role, new long[] {d}, "features",
                CodeBlock.of("$T.$L($N, $L)", RuntimeTypes.ND4J, nd4jFactory, Members.DATA_TYPE, d), false);
    }

    @Override
    public String initSummary(LayerNode node) {
        return "gamma 1, beta 0";
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.CACHE, RuntimeTypes.LAYER_NORM_CACHE,
                "Normalised input and inverse std per row of {@code " + node.name() + "}, kept by the last\n"
                        + "training forward pass.",
                CodeBlock.of("new $T()", RuntimeTypes.LAYER_NORM_CACHE)));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        // Only a training pass that backward visits fills the cache.
        CodeBlock cache = layer.inBackward()
                ? CodeBlock.of("$N ? $N : null", Members.TRAINING, layer.field(Role.CACHE))
                : CodeBlock.of("null");
        return call(layer, cache);
    }

    @Override
    public CodeBlock inference(LayerContext layer) {
        return call(layer, CodeBlock.of("null"));
    }

    private static CodeBlock call(LayerContext layer, CodeBlock cache) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($L)", RuntimeTypes.INDARRAY, layer.out(), RuntimeTypes.LAYER_NORM,
                        arguments(CodeBlock.of("$N", layer.in()), layer.value(Role.GAMMA), layer.value(Role.BETA),
                                layer.setting(Hyperparameter.EPSILON), cache))
                .build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        CodeBlock call = CodeBlock.of("$T.backward($L)", RuntimeTypes.LAYER_NORM,
                arguments(
                        CodeBlock.of("$N", layer.dOut()),
                        layer.value(Role.GAMMA),
                        CodeBlock.of("$N", layer.field(Role.CACHE)),
                        layer.grad(Role.GAMMA),
                        layer.grad(Role.BETA)));
        // The kernel always returns dL/dx; when nothing before the layer needs it, it is dropped.
        return WeightLayers.assignInputGrad(layer, call);
    }
}
