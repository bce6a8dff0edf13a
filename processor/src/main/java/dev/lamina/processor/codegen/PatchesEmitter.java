package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.List;

/**
 * {@code @Patches}: {@link RuntimeTypes#PATCHES}, images {@code [N, C, H, W]} to token sequences
 * {@code [N, (H/P)(W/P), C*P*P]}; backward reads only the input's shape.
 */
final class PatchesEmitter implements LayerEmitter {

    private static int size(LayerNode node) {
        return ((LayerSpec.Patches) node.spec()).size();
    }

    @Override
    public String summary(LayerNode node) {
        int size = size(node);
        return "Patches " + size + "x" + size + ", " + node.output().dim(0) + " tokens of " + node.output().dim(1)
                + " values";
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        return List.of(new Setting(Hyperparameter.SIZE, TypeName.INT, CodeBlock.of("$L", size(node))));
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.INPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Input", node, node.input()), null));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($N, $L)", RuntimeTypes.INDARRAY, layer.out(), RuntimeTypes.PATCHES,
                        layer.in(), layer.setting(Hyperparameter.SIZE))
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
        return CodeBlock.builder()
                .addStatement("$T $N = $T.backward($N, $N, $L)", RuntimeTypes.INDARRAY, layer.dIn(), RuntimeTypes.PATCHES,
                        layer.field(Role.INPUT), layer.dOut(), layer.setting(Hyperparameter.SIZE))
                .build();
    }
}
