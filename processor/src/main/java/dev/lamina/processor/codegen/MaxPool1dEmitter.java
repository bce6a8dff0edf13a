package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.List;

/** {@code @MaxPool1d}: {@link RuntimeTypes#MAX_POOL1D} over {@code [N, C, L]}, no padding. */
final class MaxPool1dEmitter implements LayerEmitter {

    private static LayerSpec.MaxPool1d spec(LayerNode node) {
        return (LayerSpec.MaxPool1d) node.spec();
    }

    @Override
    public String summary(LayerNode node) {
        return "MaxPool1d " + spec(node).size() + ", stride " + spec(node).stride();
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        return List.of(
                new Setting(Hyperparameter.WINDOW, TypeName.INT, CodeBlock.of("$L", spec(node).size())),
                new Setting(Hyperparameter.STRIDE, TypeName.INT, CodeBlock.of("$L", spec(node).stride())));
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.INPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Input", node, node.input()), null));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($N, $L, $L)", RuntimeTypes.INDARRAY, layer.out(), RuntimeTypes.MAX_POOL1D,
                        layer.in(), layer.setting(Hyperparameter.WINDOW), layer.setting(Hyperparameter.STRIDE))
                .build();
    }

    @Override
    public CodeBlock saveForBackward(LayerContext layer) {
        return CodeBlock.builder().addStatement("$N = $N", layer.field(Role.INPUT), layer.in()).build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        if (layer.dIn() == null) {
            return CodeBlock.of("");
        }
        // The kernel rescans the windows of the kept input; the output is not needed.
        return CodeBlock.builder()
                .addStatement("$T $N = $T.backward($N, null, $N, $L, $L)", RuntimeTypes.INDARRAY, layer.dIn(),
                        RuntimeTypes.MAX_POOL1D, layer.field(Role.INPUT), layer.dOut(),
                        layer.setting(Hyperparameter.WINDOW), layer.setting(Hyperparameter.STRIDE))
                .build();
    }
}
