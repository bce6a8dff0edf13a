package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.doubleLiteral;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import java.util.List;

/**
 * The activations: one kernel class per function, {@code forward(x[, parameter])} and
 * {@code backward(x, y, dy[, parameter])}, where the parameter is ELU's alpha or LeakyReLU's slope, or
 * {@code GELU.Approximation.TANH} for GELU's tanh form (the exact form is the kernel's default).
 */
final class ActivationEmitter implements LayerEmitter {

    private static LayerSpec.Activation spec(LayerNode node) {
        return (LayerSpec.Activation) node.spec();
    }

    private static ClassName kernel(Function function) {
        switch (function) {
            case RELU:
                return RuntimeTypes.RELU;
            case ELU:
                return RuntimeTypes.ELU;
            case LEAKY_RELU:
                return RuntimeTypes.LEAKY_RELU;
            case TANH:
                return RuntimeTypes.TANH;
            case SIGMOID:
                return RuntimeTypes.SIGMOID;
            case SOFTMAX:
                return RuntimeTypes.SOFTMAX;
            case GELU:
            case GELU_TANH:
                return RuntimeTypes.GELU;
            case SILU:
                return RuntimeTypes.SILU;
        }
        throw new AssertionError(function);
    }

    /** ELU's alpha or LeakyReLU's slope, passed after the tensors; null for functions without one. */
    private static String parameterName(Function function) {
        switch (function) {
            case ELU:
                return "alpha";
            case LEAKY_RELU:
                return "slope";
            default:
                return null;
        }
    }

    @Override
    public String summary(LayerNode node) {
        LayerSpec.Activation activation = spec(node);
        String parameter = parameterName(activation.function());
        if (parameter != null) {
            return activation.kind() + " " + parameter + " " + doubleLiteral(activation.parameter());
        }
        if (activation.function() == Function.SOFTMAX) {
            return "Softmax over features";
        }
        if (activation.function() == Function.GELU_TANH) {
            return "GELU, tanh approximation";
        }
        return activation.kind();
    }

    @Override
    public List<Setting> settings(LayerNode node) {
        Hyperparameter parameter = parameter(spec(node).function());
        return parameter == null ? List.of()
                : List.of(new Setting(parameter, TypeName.DOUBLE, CodeBlock.of("$L", doubleLiteral(spec(node).parameter()))));
    }

    /** ELU's alpha or LeakyReLU's slope, passed after the tensors; null for functions without one. */
    private static Hyperparameter parameter(Function function) {
        return function == Function.ELU ? Hyperparameter.ALPHA
                : function == Function.LEAKY_RELU ? Hyperparameter.SLOPE
                : null;
    }

    @Override
    public List<Cache> caches(LayerNode node) {
        return List.of(
                new Cache(Role.INPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Input", node, node.input()), null),
                new Cache(Role.OUTPUT, RuntimeTypes.INDARRAY, CacheDocs.of("Output", node, node.output()), null));
    }

    /** The tensors followed by the function's parameter, if it has one, or GELU's approximation. */
    private static CodeBlock arguments(LayerContext layer, CodeBlock... tensors) {
        CodeBlock joined = Literals.arguments(tensors);
        Function function = spec(layer.node()).function();
        if (function == Function.GELU_TANH) {
            return CodeBlock.of("$L, $T.TANH", joined, RuntimeTypes.GELU_APPROXIMATION);
        }
        Hyperparameter parameter = parameter(function);
        return parameter == null ? joined : CodeBlock.of("$L, $L", joined, layer.setting(parameter));
    }

    @Override
    public CodeBlock forward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$T $N = $T.forward($L)", RuntimeTypes.INDARRAY, layer.out(),
                        kernel(spec(layer.node()).function()),
                        arguments(layer, CodeBlock.of("$N", layer.in())))
                .build();
    }

    @Override
    public CodeBlock saveForBackward(LayerContext layer) {
        return CodeBlock.builder()
                .addStatement("$N = $N", layer.field(Role.INPUT), layer.in())
                .addStatement("$N = $N", layer.field(Role.OUTPUT), layer.out())
                .build();
    }

    @Override
    public CodeBlock backward(LayerContext layer) {
        if (layer.dIn() == null) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder()
                .addStatement("$T $N = $T.backward($L)", RuntimeTypes.INDARRAY, layer.dIn(),
                        kernel(spec(layer.node()).function()),
                        arguments(layer,
                                CodeBlock.of("$N", layer.field(Role.INPUT)),
                                CodeBlock.of("$N", layer.field(Role.OUTPUT)),
                                CodeBlock.of("$N", layer.dOut())))
                .build();
    }
}
