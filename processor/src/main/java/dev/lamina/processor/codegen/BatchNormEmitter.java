package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;
import static dev.lamina.processor.codegen.Literals.doubleLiteral;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.List;

/**
 * {@code @BatchNorm} over axis 1 of {@code [N, C]} or {@code [N, C, H, W]}: {@link RuntimeTypes#BATCH_NORM}
 * with batch statistics in training and running statistics at inference (PyTorch conventions).
 */
final class BatchNormEmitter implements LayerEmitter {

    private static LayerSpec.BatchNorm spec(LayerNode node) {
        return (LayerSpec.BatchNorm) node.spec();
    }

    private static long channels(LayerNode node) {
        return node.input().dim(0);
    }

    private static String axis(LayerNode node) {
        return node.input().isVector() ? "features" : "channels";
    }

    @Override
    public String summary(LayerNode node) {
        LayerSpec.BatchNorm bn = spec(node);
        return "BatchNorm over " + channels(node) + " " + axis(node) + ", momentum " + doubleLiteral(bn.momentum())
                + ", eps " + doubleLiteral(bn.epsilon());
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        LayerSpec.BatchNorm bn = spec(node);
        return List.of(
                new Setting(Hyperparameter.MOMENTUM, TypeName.DOUBLE, CodeBlock.of("$L", doubleLiteral(bn.momentum()))),
                new Setting(Hyperparameter.EPSILON, TypeName.DOUBLE, CodeBlock.of("$L", doubleLiteral(bn.epsilon()))));
    }

    @Override
    public List<Tensor> parameters(LayerNode node) {
        return List.of(filled(Role.GAMMA, node, "ones"), filled(Role.BETA, node, "zeros"));
    }

    @Override
    public List<Tensor> buffers(LayerNode node) {
        return List.of(filled(Role.RUNNING_MEAN, node, "zeros"), filled(Role.RUNNING_VAR, node, "ones"));
    }

    private static Tensor filled(Role role, LayerNode node, String nd4jFactory) {
        long c = channels(node);
        return new Tensor(role, new long[] {c}, axis(node),
                CodeBlock.of("$T.$L($N, $L)", RuntimeTypes.ND4J, nd4jFactory, Members.DATA_TYPE, c), false);
    }

    @Override
    public String initSummary(LayerNode node) {
        return "gamma 1, beta 0; running mean 0, running var 1";
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.CACHE, RuntimeTypes.BATCH_NORM_CACHE,
                "Normalised input and inverse std of {@code " + node.name() + "}, kept by the last training\nforward pass.",
                CodeBlock.of("new $T()", RuntimeTypes.BATCH_NORM_CACHE)));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        // The training branch also updates the running statistics and fills the cache.
        return CodeBlock.builder()
                .addStatement("$T $N", RuntimeTypes.INDARRAY, layer.out())
                .beginControlFlow("if ($N)", Members.TRAINING)
                .addStatement("$N = $T.forwardTrain($L)", layer.out(), RuntimeTypes.BATCH_NORM,
                        arguments(CodeBlock.of("$N", layer.in()), layer.value(Role.GAMMA), layer.value(Role.BETA),
                                CodeBlock.of("$N", layer.field(Role.RUNNING_MEAN)),
                                CodeBlock.of("$N", layer.field(Role.RUNNING_VAR)),
                                layer.setting(Hyperparameter.MOMENTUM),
                                layer.setting(Hyperparameter.EPSILON),
                                CodeBlock.of("$N", layer.field(Role.CACHE))))
                .nextControlFlow("else")
                .addStatement("$N = $L", layer.out(), inferenceCall(layer))
                .endControlFlow()
                .build();
    }

    @Override
    public CodeBlock inference(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $L", RuntimeTypes.INDARRAY, layer.out(), inferenceCall(layer))
                .build();
    }

    private static CodeBlock inferenceCall(LayerContext layer) {
        return CodeBlock.of("$T.forwardInference($L)", RuntimeTypes.BATCH_NORM,
                arguments(CodeBlock.of("$N", layer.in()), layer.value(Role.GAMMA), layer.value(Role.BETA),
                        CodeBlock.of("$N", layer.field(Role.RUNNING_MEAN)),
                        CodeBlock.of("$N", layer.field(Role.RUNNING_VAR)),
                        layer.setting(Hyperparameter.EPSILON)));
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        CodeBlock call = CodeBlock.of("$T.backward($L)", RuntimeTypes.BATCH_NORM,
                arguments(
                        CodeBlock.of("$N", layer.dOut()),
                        layer.value(Role.GAMMA),
                        CodeBlock.of("$N", layer.field(Role.CACHE)),
                        layer.grad(Role.GAMMA),
                        layer.grad(Role.BETA)));
        // The kernel always returns dL/dx; when it is the first layer with parameters, it is dropped.
        return WeightLayers.assignInputGrad(layer, call);
    }
}
