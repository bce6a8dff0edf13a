package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * {@code forward(INDArray input, boolean training)}: the input check, then one commented block per
 * layer in execution order (under a heading per block use, see {@link BlockSections}), each ending with a call to the helper that runs the non-finite check of
 * {@code firstNonFiniteLayer}, the layer observer of {@code forward(input, training, observer)} and the
 * layer profiler ({@link ProfileHooks}),
 * then (training only) the tensors that backward reads.
 */
final class ForwardMethod {
    private ForwardMethod() {}

    /**
     * @param inferencePass whether the class has {@link InferenceMethod}'s pass, which plain
     *     inference then runs instead of the declared layers
     */
    static MethodSpec of(ClassLayout plan, boolean inferencePass) {
        MethodSpec.Builder method = MethodSpec.methodBuilder("forward")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(RuntimeTypes.INDARRAY)
                .addParameter(RuntimeTypes.INDARRAY, Members.INPUT)
                .addParameter(TypeName.BOOLEAN, Members.TRAINING)
                .addComment("Checked, and in the model's type: another floating-point type is cast once, here.")
                .addStatement("$N = startForward($N, $N)", Members.INPUT, Members.INPUT, Members.TRAINING);
        if (inferencePass) {
            method.addComment("Observers and the non-finite search see every layer's output, in training order.")
                    .beginControlFlow("if (mayRunInferencePass($N))", Members.TRAINING)
                    .addStatement("return $N($N)", Members.INFERENCE_PASS, Members.INPUT)
                    .endControlFlow();
        }

        CodeBlock.Builder saved = CodeBlock.builder();
        BlockSections sections = BlockSections.of(plan.plan().training().steps());
        List<LayerContext> layers = plan.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerContext layer = layers.get(i);
            method.addCode("\n");
            var fusion = plan.fusionStartingAt(layer);
            if (fusion.isPresent()) {
                i += FusedForward.write(fusion.get(), plan, sections, method, saved) - 1;
                continue;
            }
            sections.above(layer.node()).forEach(heading -> method.addComment("---- $L ----", heading));
            method.addComment("$L: $L -> $L", layer.name(), layer.emitter().summary(layer.node()),
                            Literals.batchShape(layer.node().output()));
            layer.node().rewrites().forEach(fact -> method.addComment("$L", fact.comment()));
            method.addCode(layer.emitter().forward(layer));
            method.addCode(ProfileHooks.forward(layer));
            if (layer.inBackward()) {
                saved.add(layer.emitter().saveForBackward(layer));
            }
        }

        method.addCode("\n").beginControlFlow("if ($N)", Members.TRAINING);
        if (!saved.isEmpty()) {
            method.addComment("Keep what backward() reads: the tensors around each layer that it visits.")
                    .addCode(saved.build());
        }
        return method.addStatement("finishTrainingForward()")
                .endControlFlow()
                .addStatement("return $N", plan.forwardOutput())
                .build();
    }
}
