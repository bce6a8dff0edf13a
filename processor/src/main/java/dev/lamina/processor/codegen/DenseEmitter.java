package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.RewriteFact;
import java.util.ArrayList;
import java.util.List;

/** {@code @Dense}: {@link RuntimeTypes#DENSE} on x {@code [N, I]}, weight {@code [I, units]}, bias {@code [units]}. */
final class DenseEmitter implements LayerEmitter {

    private static LayerSpec.Dense spec(LayerNode node) {
        return (LayerSpec.Dense) node.spec();
    }

    @Override
    public String summary(LayerNode node) {
        LayerSpec.Dense dense = spec(node);
        return "Dense " + node.input().last() + "->" + dense.units() + (dense.bias() ? "" : ", no bias");
    }

    @Override
    public List<Tensor> parameters(LayerNode node) {
        LayerSpec.Dense dense = spec(node);
        long fanIn = node.input().last();
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(Conv2dEmitter.uniform(Role.WEIGHT, new long[] {fanIn, dense.units()}, "inputs, units", fanIn));
        if (dense.bias()) {
            tensors.add(Conv2dEmitter.uniform(Role.BIAS, new long[] {dense.units()}, "units", fanIn));
        }
        return tensors;
    }

    @Override
    public List<Tensor> elided(LayerNode node) {
        if (!node.has(RewriteFact.BiasElided.class)) {
            return List.of();
        }
        long fanIn = node.input().last();
        return List.of(Conv2dEmitter.uniform(Role.ELIDED_BIAS, new long[] {spec(node).units()}, "units", fanIn));
    }

    @Override
    public String initSummary(LayerNode node) {
        return (spec(node).bias() || node.has(RewriteFact.BiasElided.class) ? "weight and bias" : "weight")
                + " uniform in +-1/sqrt(fan_in), fan_in = " + node.input().last();
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.INPUT, RuntimeTypes.INDARRAY,
                CacheDocs.of("Input", node, node.input()),
                null));
    }

    @Override
    public List<Tensor> scratch(LayerNode node) {
        int units = spec(node).units();
        return FoldedBatchNorm.scratch(node, new long[] {node.input().last(), units}, "inputs, units", units, "units");
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return pass(layer, false);
    }

    @Override
    public CodeBlock inference(LayerContext layer) {
        return pass(layer, true);
    }

    private static CodeBlock pass(LayerContext layer, boolean inference) {
        return FoldedBatchNorm.forward(layer, inference, "intoDense",
                spec(layer.node()).bias() ? layer.value(Role.BIAS) : CodeBlock.of("null"),
                (weight, bias) -> CodeBlock.of("$T.forward($L)", RuntimeTypes.DENSE,
                        arguments(CodeBlock.of("$N", layer.in()), weight, bias)));
    }

    @Override
    public CodeBlock saveForBackward(LayerContext layer) {
        return CodeBlock.builder().addStatement("$N = $N", layer.field(Role.INPUT), layer.in()).build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        CodeBlock call = CodeBlock.of("$T.backward($L)", RuntimeTypes.DENSE,
                arguments(
                        CodeBlock.of("$N", layer.field(Role.INPUT)),
                        layer.value(Role.WEIGHT),
                        CodeBlock.of("$N", layer.dOut()),
                        layer.grad(Role.WEIGHT),
                        spec(layer.node()).bias() ? layer.grad(Role.BIAS) : CodeBlock.of("null"),
                        WeightLayers.inputGradient(layer)));
        return WeightLayers.assignInputGrad(layer, call);
    }
}
