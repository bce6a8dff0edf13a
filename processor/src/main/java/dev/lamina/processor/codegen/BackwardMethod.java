package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * {@code backward(INDArray dOutput)}: the state and shape checks, then one commented block per layer
 * that backward runs, in reverse execution order; where the flow forked before a block, the
 * gradients of the paths are summed before the layer that forked.
 */
final class BackwardMethod {
    private BackwardMethod() {}

    /** {@code INDArray dX = a.add(b)}: the gradient of a layer that several layers read, before its backward. */
    private static void sumOfReaders(ClassLayout plan, LayerContext layer, MethodSpec.Builder method) {
        List<String> parts = plan.gradientParts(layer);
        if (parts.isEmpty()) {
            return;
        }
        CodeBlock.Builder sum = CodeBlock.builder().add("$N.add($N)", parts.get(0), parts.get(1));
        for (String part : parts.subList(2, parts.size())) {
            sum.add(".addi($N)", part);
        }
        method.addCode("\n")
                .addComment("$L's output is read by $L layers: its gradient is the sum of theirs.", layer.name(),
                        parts.size())
                .addStatement("$T $N = $L", RuntimeTypes.INDARRAY, layer.dOut(), sum.build());
    }

    static MethodSpec of(ClassLayout plan) {
        MethodSpec.Builder method = MethodSpec.methodBuilder("backward")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addParameter(RuntimeTypes.INDARRAY, Members.D_OUTPUT)
                .addStatement("startBackward($N)", Members.D_OUTPUT);

        if (!plan.hasBackward()) {
            return method.addComment("No layer has parameters: there is nothing to accumulate.").build();
        }
        List<LayerContext> layers = plan.layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            LayerContext layer = layers.get(i);
            if (!layer.inBackward()) {
                continue;
            }
            var fusion = plan.fusionEndingAt(layer);
            if (fusion.isPresent()) {
                sumOfReaders(plan, layer, method);
                i -= FusedBackward.write(fusion.get(), plan, method) - 1;
                method.addCode(ProfileHooks.backward(fusion.get().layers().stream().map(plan::layer).toList()));
                continue;
            }
            sumOfReaders(plan, layer, method);
            CodeBlock code = layer.emitter().backward(layer);
            method.addCode("\n").addComment("$L: $L", layer.name(), layer.emitter().summary(layer.node()));
            if (layer.endsBackward() && !layer.node().spec().isJunction()) {
                method.addComment("The first layer with parameters: nothing before it needs a gradient.");
            }
            method.addCode(code);
            method.addCode(ProfileHooks.backward(List.of(layer)));
        }
        return method.build();
    }
}
