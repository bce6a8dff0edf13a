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
                .beginControlFlow("if (!$N)", Members.BACKWARD_READY)
                .addStatement("throw new $T($S)", IllegalStateException.class,
                        "call forward(input, true) before backward()")
                .endControlFlow()
                .addStatement("$N($S, $N, $N)", Members.CHECK_EXAMPLE_SHAPE, Members.D_OUTPUT, Members.D_OUTPUT,
                        Members.OUTPUT_SHAPE);

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
