package dev.lamina.processor.codegen;

import com.palantir.javapoet.MethodSpec;
import dev.lamina.processor.ir.Graph;
import dev.lamina.processor.ir.LayerNode;
import java.util.List;
import dev.lamina.processor.plan.InferencePass;
import javax.lang.model.element.Modifier;

/**
 * {@code inferencePass(INDArray input)}: the plan's {@link InferencePass},
 * which {@code forward(input, false)} runs when no layer observer and no non-finite search watches
 * (they see the declared layers). One commented block per layer it runs, in its order, with the
 * notes of the rewrites that removed, folded or moved layers; each block is the layer emitter's
 * {@link LayerEmitter#inference} code, bound to the output locals of the layers whose outputs it reads
 * in this pass.
 */
final class InferenceMethod {
    private InferenceMethod() {}

    static MethodSpec of(ClassLayout plan, InferencePass inference) {
        MethodSpec.Builder method = MethodSpec.methodBuilder(Members.INFERENCE_PASS)
                .addJavadoc("The inference pass: the layers as the rewrites named below run them outside training,\n"
                        + "with the same output as the declared layers up to floating-point rounding.\n")
                .addModifiers(Modifier.PRIVATE)
                .returns(RuntimeTypes.INDARRAY)
                .addParameter(RuntimeTypes.INDARRAY, Members.INPUT);
        BlockSections sections = BlockSections.of(inference.steps());
        Graph graph = inference.graph();
        boolean first = true;
        for (LayerNode node : graph.nodes()) {
            LayerContext layer = plan.layer(node.name()).rebound(node, plan.outs(graph.inputsOf(node)));
            method.addCode(first ? "" : "\n");
            first = false;
            sections.above(node).forEach(heading -> method.addComment("---- $L ----", heading));
            method.addComment("$L: $L -> $L", layer.name(), layer.emitter().summary(node),
                            Literals.batchShape(node.output()));
            node.rewrites().forEach(fact -> method.addComment("$L", fact.comment()));
            method.addCode(layer.emitter().inference(layer));
            method.addCode(ProfileHooks.inference(layer));
        }
        return method.addStatement("return $N", plan.outs(List.of(graph.output())).get(0)).build();
    }
}
