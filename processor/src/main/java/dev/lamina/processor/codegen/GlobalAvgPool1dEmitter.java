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
final class GlobalAvgPool1dEmitter extends InputOnlyKernelEmitter {

    GlobalAvgPool1dEmitter() {
        super(RuntimeTypes.GLOBAL_AVG_POOL1D);
    }

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
    CodeBlock trailingArguments(LayerContext layer) {
        return CodeBlock.of(", $L", layer.setting(Hyperparameter.AXIS));
    }
}
