package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code @Conv1d}: {@link RuntimeTypes#CONV1D} on x {@code [N, C, L]}, weight {@code [filters, C, kernel]},
 * bias {@code [filters]}. SAME padding is resolved here, at generation time, into a constant left
 * padding, as {@link Conv2dEmitter} does per axis (the odd extra zero goes on the right).
 */
final class Conv1dEmitter implements LayerEmitter {

    private static LayerSpec.Conv1d spec(LayerNode node) {
        return (LayerSpec.Conv1d) node.spec();
    }

    /** Zeros left of the input: for SAME, half of {@code max((out - 1) * stride + kernel - in, 0)}; 0 for VALID. */
    static int padLeft(LayerNode node) {
        LayerSpec.Conv1d conv = spec(node);
        if (conv.padding() == LayerSpec.Conv2d.Padding.VALID) {
            return 0;
        }
        int total = Math.max((node.output().dim(1) - 1) * conv.stride() + conv.kernel() - node.input().dim(1), 0);
        return total / 2;
    }

    private static long fanIn(LayerNode node) {
        return (long) node.input().dim(0) * spec(node).kernel();
    }

    @Override
    public String summary(LayerNode node) {
        LayerSpec.Conv1d conv = spec(node);
        return "Conv1d " + node.input().dim(0) + "->" + conv.filters() + ", kernel " + conv.kernel() + ", stride "
                + conv.stride() + ", " + conv.padding()
                + (conv.padding() == LayerSpec.Conv2d.Padding.SAME ? " (pad left " + padLeft(node) + ")" : "")
                + (conv.bias() ? "" : ", no bias");
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        return List.of(
                new Setting(Hyperparameter.STRIDE, TypeName.INT, CodeBlock.of("$L", spec(node).stride())),
                new Setting(Hyperparameter.PAD_LEFT, TypeName.INT, CodeBlock.of("$L", padLeft(node))),
                new Setting(Hyperparameter.OUT_LENGTH, TypeName.INT, CodeBlock.of("$L", node.output().dim(1))));
    }

    @Override
    public List<Tensor> parameters(LayerNode node) {
        LayerSpec.Conv1d conv = spec(node);
        long fanIn = fanIn(node);
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(Conv2dEmitter.uniform(Role.WEIGHT, new long[] {conv.filters(), node.input().dim(0), conv.kernel()},
                "filters, channels, kernel", fanIn));
        if (conv.bias()) {
            tensors.add(Conv2dEmitter.uniform(Role.BIAS, new long[] {conv.filters()}, "filters", fanIn));
        }
        return tensors;
    }

    @Override
    public String initSummary(LayerNode node) {
        return (spec(node).bias() ? "weight and bias" : "weight") + " uniform in +-1/sqrt(fan_in), fan_in = "
                + node.input().dim(0) + " * " + spec(node).kernel() + " = " + fanIn(node);
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.INPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Input", node, node.input()), null));
    }

    private static CodeBlock bias(LayerContext layer, boolean gradient) {
        if (!spec(layer.node()).bias()) {
            return CodeBlock.of("null");
        }
        return gradient ? layer.grad(Role.BIAS) : layer.value(Role.BIAS);
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($L)", RuntimeTypes.INDARRAY, layer.out(), RuntimeTypes.CONV1D,
                        arguments(CodeBlock.of("$N", layer.in()), layer.value(Role.WEIGHT), bias(layer, false),
                                layer.setting(Hyperparameter.STRIDE), layer.setting(Hyperparameter.PAD_LEFT),
                                layer.setting(Hyperparameter.OUT_LENGTH)))
                .build();
    }

    @Override
    public CodeBlock saveForBackward(LayerContext layer) {
        return CodeBlock.builder().addStatement("$N = $N", layer.field(Role.INPUT), layer.in()).build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        CodeBlock call = CodeBlock.of("$T.backward($L)", RuntimeTypes.CONV1D,
                arguments(
                        CodeBlock.of("$N", layer.field(Role.INPUT)),
                        layer.value(Role.WEIGHT),
                        CodeBlock.of("$N", layer.dOut()),
                        layer.grad(Role.WEIGHT),
                        bias(layer, true),
                        layer.setting(Hyperparameter.STRIDE),
                        layer.setting(Hyperparameter.PAD_LEFT),
                        WeightLayers.inputGradient(layer)));
        return WeightLayers.assignInputGrad(layer, call);
    }
}
