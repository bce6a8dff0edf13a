package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import java.util.List;

/** {@code @GlobalAvgPool2d}: {@link RuntimeTypes#GLOBAL_AVG_POOL2D}, {@code [N, C, H, W]} to {@code [N, C]}. */
final class GlobalAvgPool2dEmitter implements LayerEmitter {

    @Override
    public String summary(LayerNode node) {
        return "GlobalAvgPool2d, mean over " + node.input().dim(1) + "x" + node.input().dim(2) + " per channel";
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.INPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Input", node, node.input()), null));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($N)", RuntimeTypes.INDARRAY, layer.out(),
                        RuntimeTypes.GLOBAL_AVG_POOL2D, layer.in())
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
                .addStatement("$T $N = $T.backward($N, $N)", RuntimeTypes.INDARRAY, layer.dIn(),
                        RuntimeTypes.GLOBAL_AVG_POOL2D, layer.field(Role.INPUT), layer.dOut())
                .build();
    }
}
