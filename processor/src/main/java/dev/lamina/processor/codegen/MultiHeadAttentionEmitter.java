package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;
import static dev.lamina.processor.codegen.Literals.doubleLiteral;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code @MultiHeadAttention}: {@link RuntimeTypes#MULTI_HEAD_ATTENTION} over {@code [N, T, D]}, with
 * query, key, value and output projections ({@code [D, D]} weights and {@code [D]} biases, each drawn
 * as a Dense layer's: uniform in {@code +-1/sqrt(D)}, PyTorch's {@code nn.Linear}). With attention
 * dropout, a training pass draws a fresh mask {@code [N, heads, T, T]} from {@link Members#DROPOUT_RNG}
 * as {@code @Dropout} does; inference uses none.
 */
final class MultiHeadAttentionEmitter implements LayerEmitter {
    /** The projections in the order they are drawn and passed: weight then bias of each. */
    private static final Role[][] PROJECTIONS = {
        {Role.QUERY_WEIGHT, Role.QUERY_BIAS},
        {Role.KEY_WEIGHT, Role.KEY_BIAS},
        {Role.VALUE_WEIGHT, Role.VALUE_BIAS},
        {Role.OUTPUT_WEIGHT, Role.OUTPUT_BIAS},
    };

    private static LayerSpec.MultiHeadAttention spec(LayerNode node) {
        return (LayerSpec.MultiHeadAttention) node.spec();
    }

    /** Whether training draws a dropout mask: a rate above 0. */
    static boolean dropsOut(LayerNode node) {
        return spec(node).dropout() > 0;
    }

    private static long width(LayerNode node) {
        return node.input().last();
    }

    @Override
    public String summary(LayerNode node) {
        LayerSpec.MultiHeadAttention attention = spec(node);
        long d = width(node);
        return "MultiHeadAttention, " + attention.heads() + " heads of " + d / attention.heads() + " over " + d
                + " features" + (attention.causal() ? ", causal" : "")
                + (dropsOut(node) ? ", attention dropout " + doubleLiteral(attention.dropout()) : "");
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        LayerSpec.MultiHeadAttention attention = spec(node);
        List<Setting> settings = new ArrayList<>(List.of(
                new Setting(Hyperparameter.HEADS, TypeName.INT, CodeBlock.of("$L", attention.heads())),
                new Setting(Hyperparameter.CAUSAL, TypeName.BOOLEAN, CodeBlock.of("$L", attention.causal()))));
        if (dropsOut(node)) {
            settings.add(new Setting(Hyperparameter.RATE, TypeName.DOUBLE,
                    CodeBlock.of("$L", doubleLiteral(attention.dropout()))));
        }
        return settings;
    }

    @Override
    public List<Tensor> parameters(LayerNode node) {
        long d = width(node);
        List<Tensor> tensors = new ArrayList<>();
        for (Role[] projection : PROJECTIONS) {
            tensors.add(Conv2dEmitter.uniform(projection[0], new long[] {d, d}, "inputs, outputs", d));
            tensors.add(Conv2dEmitter.uniform(projection[1], new long[] {d}, "outputs", d));
        }
        return tensors;
    }

    @Override
    public String initSummary(LayerNode node) {
        return "query, key, value and output projections, weights and biases uniform in +-1/sqrt(fan_in),"
                + " fan_in = " + width(node);
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        List<Cache> caches = new ArrayList<>();
        caches.add(new Cache(Role.CACHE, RuntimeTypes.MULTI_HEAD_ATTENTION_CACHE,
                "Projections and attention weights of {@code " + node.name() + "}, kept by the last training\n"
                        + "forward pass.",
                CodeBlock.of("new $T()", RuntimeTypes.MULTI_HEAD_ATTENTION_CACHE)));
        if (dropsOut(node)) {
            long t = node.input().dim(0);
            caches.add(new Cache(Role.MASK, RuntimeTypes.INDARRAY, "Attention dropout mask of {@code " + node.name()
                    + "}, {@code [N, " + spec(node).heads() + ", " + t + ", " + t + "]}, drawn by the last\ntraining"
                    + " forward pass. Each entry is 0 or 1/(1 - rate).", null));
        }
        return caches;
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        CodeBlock.Builder code = CodeBlock.builder();
        CodeBlock mask = CodeBlock.of("null");
        if (dropsOut(layer.node())) {
            long t = layer.node().input().dim(0);
            code.beginControlFlow("if ($N)", Members.TRAINING)
                    .addStatement("$N = $T.sampleMask($L)", layer.field(Role.MASK), RuntimeTypes.DROPOUT,
                            arguments(
                                    CodeBlock.of("new long[] {$N.size(0), $L, $L, $L}", layer.in(),
                                            layer.setting(Hyperparameter.HEADS), t, t),
                                    layer.setting(Hyperparameter.RATE),
                                    CodeBlock.of("$N", Members.DROPOUT_RNG),
                                    CodeBlock.of("$N", Members.DATA_TYPE)))
                    .endControlFlow();
            mask = CodeBlock.of("$N ? $N : null", Members.TRAINING, layer.field(Role.MASK));
        }
        return code.add(call(layer, mask, CodeBlock.of("$N ? $N : null", Members.TRAINING, layer.field(Role.CACHE))))
                .build();
    }

    @Override
    public CodeBlock inference(LayerContext layer) {
        return call(layer, CodeBlock.of("null"), CodeBlock.of("null"));
    }

    private static CodeBlock call(LayerContext layer, CodeBlock mask, CodeBlock cache) {
        List<CodeBlock> arguments = new ArrayList<>();
        arguments.add(CodeBlock.of("$N", layer.in()));
        for (Role[] projection : PROJECTIONS) {
            arguments.add(layer.value(projection[0]));
            arguments.add(layer.value(projection[1]));
        }
        arguments.add(layer.setting(Hyperparameter.HEADS));
        arguments.add(layer.setting(Hyperparameter.CAUSAL));
        arguments.add(mask);
        arguments.add(cache);
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($L)", RuntimeTypes.INDARRAY, layer.out(),
                        RuntimeTypes.MULTI_HEAD_ATTENTION, arguments(arguments.toArray(CodeBlock[]::new)))
                .build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        List<CodeBlock> arguments = new ArrayList<>();
        arguments.add(CodeBlock.of("$N", layer.dOut()));
        for (Role[] projection : PROJECTIONS) {
            arguments.add(layer.value(projection[0]));
        }
        arguments.add(CodeBlock.of("$N", layer.field(Role.CACHE)));
        for (Role[] projection : PROJECTIONS) {
            arguments.add(layer.grad(projection[0]));
            arguments.add(layer.grad(projection[1]));
        }
        arguments.add(WeightLayers.inputGradient(layer));
        CodeBlock call = CodeBlock.of("$T.backward($L)", RuntimeTypes.MULTI_HEAD_ATTENTION,
                arguments(arguments.toArray(CodeBlock[]::new)));
        return WeightLayers.assignInputGrad(layer, call);
    }
}
