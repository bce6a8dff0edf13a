package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import java.util.List;

/** The emitters of the junctions that end a block: the residual addition and the concatenation. */
final class JunctionEmitters {
    private JunctionEmitters() {}

    /**
     * {@code y = shortcut + body} through the runtime kernel {@code Add}; backward hands dy to both
     * inputs unchanged, which {@link ClassLayout} arranges by naming both input gradients after dy,
     * so no statement is needed.
     */
    static final class AddEmitter implements LayerEmitter {
        @Override
        public String summary(LayerNode node) {
            return "residual addition, shortcut + body";
        }

        @Override
        public CodeBlock forward(LayerContext layer) {
            return CodeBlock.builder()
                    .addStatement("$T $N = $T.forward($N, $N)", RuntimeTypes.INDARRAY, layer.out(), RuntimeTypes.ADD,
                            layer.ins().get(0), layer.ins().get(1))
                    .build();
        }

        @Override
        public CodeBlock backward(LayerContext layer) {
            return CodeBlock.of("// The gradient of a sum: dy flows unchanged into the shortcut and the body.\n");
        }
    }

    /**
     * The parts joined on axis 1 through the runtime kernel {@code Concat}; backward gives each part
     * its slice of dy.
     */
    static final class ConcatEmitter implements LayerEmitter {
        @Override
        public String summary(LayerNode node) {
            List<Integer> channels = ((LayerSpec.Concat) node.spec()).channels();
            return "concatenation of " + channels.size() + " parts, " + String.join(" + ",
                    channels.stream().map(String::valueOf).toList())
                    + (node.output().isVector() ? " features" : " channels");
        }

        @Override
        public CodeBlock forward(LayerContext layer) {
            CodeBlock parts = layer.ins().stream().map(in -> CodeBlock.of("$N", in)).collect(CodeBlock.joining(", "));
            return CodeBlock.builder()
                    .addStatement("$T $N = $T.forward($L)", RuntimeTypes.INDARRAY, layer.out(), RuntimeTypes.CONCAT, parts)
                    .build();
        }

        @Override
        public CodeBlock backward(LayerContext layer) {
            List<Integer> channels = ((LayerSpec.Concat) layer.node().spec()).channels();
            CodeBlock.Builder code = CodeBlock.builder();
            long from = 0;
            for (int j = 0; j < channels.size(); j++) {
                long to = from + channels.get(j);
                String dIn = layer.dIns().get(j);
                if (dIn != null) {
                    code.addStatement("$T $N = $T.part($N, $L, $L)", RuntimeTypes.INDARRAY, dIn, RuntimeTypes.CONCAT,
                            layer.dOut(), from, to);
                }
                from = to;
            }
            return code.build();
        }
    }
}
