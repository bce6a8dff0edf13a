package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.List;

/** {@code @MaxPool2d} and {@code @AvgPool2d}: square window, no padding, over {@code [N, C, H, W]}. */
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
        return pool.kind() + " " + pool.size() + "x" + pool.size() + ", stride " + pool.stride();
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        LayerSpec.Pool2d pool = spec(node);
        return List.of(new Setting(Hyperparameter.WINDOW, TypeName.INT, CodeBlock.of("$L", pool.size())),
                new Setting(Hyperparameter.STRIDE, TypeName.INT, CodeBlock.of("$L", pool.stride())));
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
                .addStatement("$T $N = $T.forward($N, $L, $L)", RuntimeTypes.INDARRAY, layer.out(),
                        kernel(layer.node()), layer.in(), layer.setting(Hyperparameter.WINDOW),
                        layer.setting(Hyperparameter.STRIDE))
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
                                layer.setting(Hyperparameter.WINDOW),
                                layer.setting(Hyperparameter.STRIDE)))
                .build();
    }
}
