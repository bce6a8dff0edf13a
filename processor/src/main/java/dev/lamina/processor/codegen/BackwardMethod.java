package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * {@code backward(INDArray dOutput)}: the state and shape checks, then one commented block per layer
 * in reverse order, down to the first layer with parameters, which computes no input gradient.
 */
final class BackwardMethod {
    private BackwardMethod() {}

    static MethodSpec of(ClassLayout plan) {
        MethodSpec.Builder method = MethodSpec.methodBuilder("backward")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addParameter(RuntimeTypes.INDARRAY, Members.D_OUTPUT)
                .addStatement("startBackward($N)", Members.D_OUTPUT);

        if (plan.firstWithParameters() < 0) {
            return method.addComment("No layer has parameters: there is nothing to accumulate.").build();
        }
        List<LayerContext> layers = plan.layers();
        for (int i = layers.size() - 1; i >= plan.firstWithParameters(); i--) {
            LayerContext layer = layers.get(i);
            var fusion = plan.fusionEndingAt(layer);
            if (fusion.isPresent()) {
                i -= FusedBackward.write(fusion.get(), plan, method) - 1;
                continue;
            }
            CodeBlock code = layer.emitter().backward(layer);
            method.addCode("\n").addComment("$L: $L", layer.name(), layer.emitter().summary(layer.node()));
            if (layer.firstWithParameters()) {
                method.addComment("The first layer with parameters: nothing before it needs a gradient.");
            }
            method.addCode(code);
        }
        return method.build();
    }
}
