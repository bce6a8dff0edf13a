package dev.lamina.processor.codegen;

import com.palantir.javapoet.MethodSpec;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * {@code inferencePass(INDArray input)}: the inference pass of {@code Rewrites.forInference},
 * which {@code forward(input, false)} runs when no layer observer and no non-finite search watches
 * (they see the declared layers). One commented block per layer it runs, in its order, with the
 * notes of the rewrites that removed, folded or moved layers; each block is the layer emitter's
 * {@link LayerEmitter#inference} code, bound to the output local of the layer run before it.
 */
final class InferenceMethod {
    private InferenceMethod() {}

    /**
     * Whether inference runs something other than the declared layers in their order: a layer
     * removed (a Dropout, or a BatchNorm folded into the layer before it) or moved.
     */
    static boolean differs(ModelPlan plan, ModelIR inference) {
        List<String> runs = inference.layers().stream().map(LayerNode::name).toList();
        List<String> declared = plan.layers().stream().map(LayerContext::name).toList();
        return !runs.equals(declared);
    }

    static MethodSpec of(ModelPlan plan, ModelIR inference) {
        MethodSpec.Builder method = MethodSpec.methodBuilder(Members.INFERENCE_PASS)
                .addJavadoc("The inference pass: the layers as the rewrites named below run them outside training,\n"
                        + "with the same output as the declared layers up to floating-point rounding.\n")
                .addModifiers(Modifier.PRIVATE)
                .returns(RuntimeTypes.INDARRAY)
                .addParameter(RuntimeTypes.INDARRAY, Members.INPUT);
        String in = Members.INPUT;
        for (LayerNode node : inference.layers()) {
            LayerContext layer = plan.layer(node.name()).rebound(node, in);
            String summary = layer.emitter().summary(node);
            if (layer.foldedBatchNorm() != null) {
                // The declared layer may have no bias; the folded one always has.
                summary += ", with '" + layer.foldedBatchNorm().name() + "' folded into its weight and bias";
            }
            method.addCode(in.equals(Members.INPUT) ? "" : "\n")
                    .addComment("$L: $L -> $L", layer.name(), summary, Literals.batchShape(node.output()));
            for (String note : node.rewrites()) {
                method.addComment("rewrite $L", note.replaceAll("\\s+", " "));
            }
            method.addCode(layer.emitter().inference(layer));
            in = layer.out();
        }
        return method.addStatement("return $N", in).build();
    }
}
