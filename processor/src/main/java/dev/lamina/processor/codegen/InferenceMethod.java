package dev.lamina.processor.codegen;

import com.palantir.javapoet.MethodSpec;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.plan.InferencePass;
import javax.lang.model.element.Modifier;

/**
 * {@code inferencePass(INDArray input)}: the plan's {@link InferencePass},
 * which {@code forward(input, false)} runs when no layer observer and no non-finite search watches
 * (they see the declared layers). One commented block per layer it runs, in its order, with the
 * notes of the rewrites that removed, folded or moved layers; each block is the layer emitter's
 * {@link LayerEmitter#inference} code, bound to the output local of the layer run before it.
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
        String in = Members.INPUT;
        for (LayerNode node : inference.layers()) {
            LayerContext layer = plan.layer(node.name()).rebound(node, in);
            method.addCode(in.equals(Members.INPUT) ? "" : "\n")
                    .addComment("$L: $L -> $L", layer.name(), layer.emitter().summary(node),
                            Literals.batchShape(node.output()));
            node.rewrites().forEach(fact -> method.addComment("$L", fact.comment()));
            method.addCode(layer.emitter().inference(layer));
            in = layer.out();
        }
        return method.addStatement("return $N", in).build();
    }
}
