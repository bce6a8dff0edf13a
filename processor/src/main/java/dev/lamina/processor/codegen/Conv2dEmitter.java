package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.RewriteFact;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code @Conv2d}: {@link RuntimeTypes#CONV2D} on x {@code [N, C, H, W]}, weight {@code [F, C, KH, KW]},
 * bias {@code [F]}. SAME padding is resolved here, at generation time, into constant top and left
 * padding (Keras/TensorFlow: the odd extra row or column goes at the bottom or right).
 */
final class Conv2dEmitter implements LayerEmitter {

    /** Zero padding above and to the left of the input. */
    record Padding(int top, int left) {}

    /** The padding that turns {@code node}'s input into its output (see {@link #padding(LayerNode, boolean, int, int, int, int)}). */
    static Padding padding(LayerNode node) {
        LayerSpec.Conv2d conv = spec(node);
        return padding(node, conv.padding() == LayerSpec.Conv2d.Padding.SAME, conv.kernelHeight(), conv.kernelWidth(),
                conv.strideHeight(), conv.strideWidth());
    }

    /**
     * The padding that turns {@code node}'s image input into its output under a {@code kh x kw} window
     * moving by {@code sh x sw}: for SAME, {@code total = max((out - 1) * stride + window - in, 0)} per
     * axis and {@code top = total / 2}; none for VALID.
     */
    static Padding padding(LayerNode node, boolean same, int kh, int kw, int sh, int sw) {
        if (!same) {
            return new Padding(0, 0);
        }
        return new Padding(before(node.input().dim(1), node.output().dim(1), kh, sh),
                before(node.input().dim(2), node.output().dim(2), kw, sw));
    }

    /** {@code "3"} for a square window or equal strides, else {@code "3x1"}. */
    static String pair(int height, int width) {
        return height == width ? String.valueOf(height) : height + "x" + width;
    }

    private static int before(int in, int out, int kernel, int stride) {
        int total = Math.max((out - 1) * stride + kernel - in, 0);
        return total / 2;
    }

    private static LayerSpec.Conv2d spec(LayerNode node) {
        return (LayerSpec.Conv2d) node.spec();
    }

    private static long fanIn(LayerNode node) {
        LayerSpec.Conv2d conv = spec(node);
        return (long) node.input().dim(0) * conv.kernelHeight() * conv.kernelWidth();
    }

    @Override
    public String summary(LayerNode node) {
        LayerSpec.Conv2d conv = spec(node);
        StringBuilder s = new StringBuilder()
                .append("Conv2d ").append(node.input().dim(0)).append("->").append(conv.filters())
                .append(", ").append(conv.kernelHeight()).append('x').append(conv.kernelWidth())
                .append(", stride ").append(pair(conv.strideHeight(), conv.strideWidth()))
                .append(", ").append(conv.padding());
        if (conv.padding() == LayerSpec.Conv2d.Padding.SAME) {
            Padding pad = padding(node);
            s.append(" (pad top ").append(pad.top()).append(", left ").append(pad.left()).append(')');
        }
        if (!conv.bias()) {
            s.append(", no bias");
        }
        return s.toString();
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        LayerSpec.Conv2d conv = spec(node);
        Padding pad = padding(node);
        return List.of(new Setting(Hyperparameter.GEOMETRY, RuntimeTypes.CONV2D_GEOMETRY,
                CodeBlock.of("$T.stride($L).padding($L, $L).output($L, $L)", RuntimeTypes.CONV2D_GEOMETRY,
                        pairArguments(conv.strideHeight(), conv.strideWidth()), pad.top(), pad.left(),
                        node.output().dim(1), node.output().dim(2))));
    }

    /** {@code "2"} when both values are 2, else {@code "2, 1"}: the arguments of a geometry's one- or two-value step. */
    static String pairArguments(int height, int width) {
        return height == width ? String.valueOf(height) : height + ", " + width;
    }

    @Override
    public List<Tensor> parameters(LayerNode node) {
        LayerSpec.Conv2d conv = spec(node);
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(uniform(Role.WEIGHT,
                new long[] {conv.filters(), node.input().dim(0), conv.kernelHeight(), conv.kernelWidth()},
                "filters, channels, kernel rows, kernel columns", fanIn(node)));
        if (conv.bias()) {
            tensors.add(uniform(Role.BIAS, new long[] {conv.filters()}, "filters", fanIn(node)));
        }
        return tensors;
    }

    @Override
    public List<Tensor> elided(LayerNode node) {
        LayerSpec.Conv2d conv = spec(node);
        if (!node.has(RewriteFact.BiasElided.class)) {
            return List.of();
        }
        return List.of(uniform(Role.ELIDED_BIAS, new long[] {conv.filters()}, "filters", fanIn(node)));
    }

    static Tensor uniform(Role role, long[] shape, String axes, long fanIn) {
        return new Tensor(role, shape, axes,
                CodeBlock.of("$T.uniformFanIn($L, $L, $N, $N)", RuntimeTypes.INIT, Literals.longArray(shape), fanIn,
                        Members.INIT_RNG, Members.DATA_TYPE),
                true);
    }

    @Override
    public String initSummary(LayerNode node) {
        LayerSpec.Conv2d conv = spec(node);
        boolean bias = conv.bias() || node.has(RewriteFact.BiasElided.class);
        return (bias ? "weight and bias" : "weight") + " uniform in +-1/sqrt(fan_in), fan_in = "
                + node.input().dim(0) + " * " + conv.kernelHeight() + " * " + conv.kernelWidth() + " = " + fanIn(node);
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.INPUT, RuntimeTypes.INDARRAY,
                CacheDocs.of("Input", node, node.input()),
                null));
    }

    @Override
    public List<Tensor> scratch(LayerNode node) {
        LayerSpec.Conv2d conv = spec(node);
        return FoldedBatchNorm.scratch(node,
                new long[] {conv.filters(), node.input().dim(0), conv.kernelHeight(), conv.kernelWidth()},
                "filters, channels, kernel rows, kernel columns", conv.filters(), "filters");
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
        LayerSpec.Conv2d conv = spec(layer.node());
        return FoldedBatchNorm.forward(layer, inference, "intoConv2d",
                conv.bias() ? layer.value(Role.BIAS) : CodeBlock.of("null"),
                (weight, bias) -> CodeBlock.of("$T.forward($L)", RuntimeTypes.CONV2D,
                        arguments(CodeBlock.of("$N", layer.in()), weight, bias, layer.setting(Hyperparameter.GEOMETRY))));
    }

    @Override
    public CodeBlock saveForBackward(LayerContext layer) {
        return CodeBlock.builder().addStatement("$N = $N", layer.field(Role.INPUT), layer.in()).build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        LayerSpec.Conv2d conv = spec(layer.node());
        CodeBlock call = CodeBlock.of("$T.backward($L)", RuntimeTypes.CONV2D,
                arguments(
                        CodeBlock.of("$N", layer.field(Role.INPUT)),
                        layer.value(Role.WEIGHT),
                        CodeBlock.of("$N", layer.dOut()),
                        layer.grad(Role.WEIGHT),
                        conv.bias() ? layer.grad(Role.BIAS) : CodeBlock.of("null"),
                        layer.setting(Hyperparameter.GEOMETRY),
                        WeightLayers.inputGradient(layer)));
        return WeightLayers.assignInputGrad(layer, call);
    }
}
