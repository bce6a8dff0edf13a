package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;
import static dev.lamina.processor.codegen.Literals.doubleLiteral;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.List;

/**
 * {@code @Dropout}, inverted: in training, a fresh mask from {@link Members#DROPOUT_RNG} per forward
 * pass; at inference, the identity (no code runs).
 */
final class DropoutEmitter implements LayerEmitter {

    private static double rate(LayerNode node) {
        return ((LayerSpec.Dropout) node.spec()).rate();
    }

    @Override
    public String summary(LayerNode node) {
        return "Dropout rate " + doubleLiteral(rate(node));
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(new Cache(Role.MASK, RuntimeTypes.INDARRAY,
                CacheDocs.of("Mask", node, node.input()) + "\nEach entry is 0 or 1/(1 - rate).",
                null));
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        return List.of(new Setting(Hyperparameter.RATE, TypeName.DOUBLE, CodeBlock.of("$L", doubleLiteral(rate(node)))));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        CodeBlock.Builder code = CodeBlock.builder()
                .addStatement("$T $N = $N", RuntimeTypes.INDARRAY, layer.out(), layer.in())
                .beginControlFlow("if ($N)", Members.TRAINING);
        CodeBlock sample = CodeBlock.of("$T.sampleMask($L)", RuntimeTypes.DROPOUT,
                arguments(
                        CodeBlock.of("$N.shape()", layer.in()),
                        layer.setting(Hyperparameter.RATE),
                        CodeBlock.of("$N", Members.DROPOUT_RNG),
                        CodeBlock.of("$N", Members.DATA_TYPE)));
        if (layer.inBackward()) {
            code.addStatement("$N = $L", layer.field(Role.MASK), sample)
                    .addStatement("$N = $T.forward($N, $N)", layer.out(), RuntimeTypes.DROPOUT, layer.in(),
                            layer.field(Role.MASK));
        } else {
            code.add("// No layer before $L has parameters, so backward never reads the mask.\n", layer.name())
                    .addStatement("$N = $T.forward($L)", layer.out(), RuntimeTypes.DROPOUT,
                    arguments(CodeBlock.of("$N", layer.in()), sample));
        }
        return code.endControlFlow()
                .build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        if (layer.dIn() == null) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder()
                .addStatement("$T $N = $T.backward($N, $N)", RuntimeTypes.INDARRAY, layer.dIn(), RuntimeTypes.DROPOUT,
                        layer.dOut(), layer.field(Role.MASK))
                .build();
    }
}
