package dev.lamina.processor.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import java.util.List;

/**
 * A layer without parameters whose kernel is {@code y = K.forward(x)} and {@code dx = K.backward(x, dy)}:
 * backward reads only the forward input, which the training pass keeps. Flatten and global average
 * pooling; a subclass may pass hyperparameter constants after the tensors ({@link #trailingArguments}).
 */
abstract class InputOnlyKernelEmitter implements LayerEmitter {
    private final ClassName kernel;

    InputOnlyKernelEmitter(ClassName kernel) {
        this.kernel = kernel;
    }

    /**
     * What both kernel calls take after their tensors, each with its leading comma ({@code , POOL_AXIS});
     * nothing by default.
     */
    CodeBlock trailingArguments(LayerContext layer) {
        return CodeBlock.of("");
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.INPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Input", node, node.input()), null));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($N$L)", RuntimeTypes.INDARRAY, layer.out(), kernel, layer.in(),
                        trailingArguments(layer))
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
                .addStatement("$T $N = $T.backward($N, $N$L)", RuntimeTypes.INDARRAY, layer.dIn(), kernel,
                        layer.field(Role.INPUT), layer.dOut(), trailingArguments(layer))
                .build();
    }
}
