package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import java.util.List;

/**
 * {@code @GlobalAvgPool1d}: {@link RuntimeTypes#GLOBAL_AVG_POOL1D}, the mean over the tokens of
 * {@code [N, T, D]} (axis 1) or over the length of a signal {@code [N, C, L]} (axis 2), as the input's
 * layout says; backward reads only the input's shape.
 */
final class GlobalAvgPool1dEmitter implements LayerEmitter {

    /** The batch's axis to average: 1 (tokens) for a sequence, 2 (length) for a signal. */
    private static int axis(LayerNode node) {
        return node.input().isSequence() ? 1 : 2;
    }

    @Override
    public String summary(LayerNode node) {
        return node.input().isSequence()
                ? "GlobalAvgPool1d, mean over " + node.input().dim(0) + " tokens"
                : "GlobalAvgPool1d, mean over length " + node.input().dim(1) + " per channel";
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        return List.of(new Setting(Hyperparameter.AXIS, TypeName.INT, CodeBlock.of("$L", axis(node))));
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.INPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Input", node, node.input()), null));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($N, $L)", RuntimeTypes.INDARRAY, layer.out(),
                        RuntimeTypes.GLOBAL_AVG_POOL1D, layer.in(), layer.setting(Hyperparameter.AXIS))
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
                .addStatement("$T $N = $T.backward($N, $N, $L)", RuntimeTypes.INDARRAY, layer.dIn(),
                        RuntimeTypes.GLOBAL_AVG_POOL1D, layer.field(Role.INPUT), layer.dOut(),
                        layer.setting(Hyperparameter.AXIS))
                .build();
    }
}
