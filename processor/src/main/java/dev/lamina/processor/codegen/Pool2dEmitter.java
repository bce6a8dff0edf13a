package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.List;

/**
 * {@code @MaxPool2d} and {@code @AvgPool2d} over {@code [N, C, H, W]}, their window, stride and padding
 * in one {@code PoolGeometry} constant; SAME padding is resolved here into top and left padding as for
 * {@link Conv2dEmitter}.
 */
final class Pool2dEmitter implements LayerEmitter {

    private static LayerSpec.Pool2d spec(LayerNode node) {
        return (LayerSpec.Pool2d) node.spec();
    }

    private static ClassName kernel(LayerNode node) {
        return spec(node).mode() == LayerSpec.Pool2d.Mode.MAX ? RuntimeTypes.MAX_POOL2D : RuntimeTypes.AVG_POOL2D;
    }

    @Override
    public String summary(LayerNode node) {
        LayerSpec.Pool2d pool = spec(node);
        String summary = pool.kind() + " " + pool.height() + "x" + pool.width() + ", stride "
                + Conv2dEmitter.pair(pool.strideHeight(), pool.strideWidth());
        if (pool.padding() == LayerSpec.Conv2d.Padding.VALID) {
            return summary;
        }
        Conv2dEmitter.Padding pad = padding(node);
        return summary + ", SAME (pad top " + pad.top() + ", left " + pad.left() + ")";
    }

    private static Conv2dEmitter.Padding padding(LayerNode node) {
        LayerSpec.Pool2d pool = spec(node);
        return Conv2dEmitter.padding(node, pool.padding() == LayerSpec.Conv2d.Padding.SAME, pool.height(),
                pool.width(), pool.strideHeight(), pool.strideWidth());
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        LayerSpec.Pool2d pool = spec(node);
        Conv2dEmitter.Padding pad = padding(node);
        return List.of(new Setting(Hyperparameter.GEOMETRY, RuntimeTypes.POOL_GEOMETRY,
                CodeBlock.of("$T.window($L).stride($L).padding($L, $L).output($L, $L)", RuntimeTypes.POOL_GEOMETRY,
                        Conv2dEmitter.pairArguments(pool.height(), pool.width()),
                        Conv2dEmitter.pairArguments(pool.strideHeight(), pool.strideWidth()), pad.top(), pad.left(),
                        node.output().dim(1), node.output().dim(2))));
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(
                new Cache(Role.INPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Input", node, node.input()), null),
                new Cache(Role.OUTPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Output", node, node.output()), null));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($N, $L)", RuntimeTypes.INDARRAY, layer.out(),
                        kernel(layer.node()), layer.in(), layer.setting(Hyperparameter.GEOMETRY))
                .build();
    }

    @Override
    public CodeBlock saveForBackward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$N = $N", layer.field(Role.INPUT), layer.in())
                .addStatement("$N = $N", layer.field(Role.OUTPUT), layer.out())
                .build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        if (layer.dIn() == null) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder()
                .addStatement("$T $N = $T.backward($L)", RuntimeTypes.INDARRAY, layer.dIn(), kernel(layer.node()),
                        arguments(
                                CodeBlock.of("$N", layer.field(Role.INPUT)),
                                CodeBlock.of("$N", layer.field(Role.OUTPUT)),
                                CodeBlock.of("$N", layer.dOut()),
                                layer.setting(Hyperparameter.GEOMETRY)))
                .build();
    }
}
