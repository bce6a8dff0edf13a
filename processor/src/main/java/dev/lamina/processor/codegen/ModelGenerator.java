package dev.lamina.processor.codegen;

import static dev.lamina.processor.codegen.Literals.arguments;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.ReportedFinding;
import dev.lamina.processor.rewrite.BiasBeforeBatchNorm;
import dev.lamina.processor.rewrite.Rewrites;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.Modifier;
import javax.lang.model.util.ElementFilter;

/**
 * Writes the Java class for a clean, shape-inferred model: {@code Lamina<Interface>}, which
 * implements the model interface and {@code dev.lamina.runtime.model.Model} by calling the runtime
 * kernels layer by layer.
 *
 * <p>This class lays out the class (constants, fields, factories, the {@code Model} methods);
 * {@link ForwardMethod} and {@link BackwardMethod} write the two passes, and one {@link LayerEmitter}
 * per layer kind writes each layer's part of them.
 */
public final class ModelGenerator {
    private ModelGenerator() {}

    /** The value of {@code @Generated} on generated classes. */
    public static final String GENERATOR = "dev.lamina.processor.LaminaProcessor";

    /** Mixed into the seed of the dropout generator; the 64-bit golden ratio, as in SplitMix64. */
    private static final long DROPOUT_SEED_MIX = 0x9E3779B97F4A7C15L;

    private static final TypeName INT_ARRAY = ArrayTypeName.of(TypeName.INT);
    private static final TypeName PARAMETER_LIST = ParameterizedTypeName.get(ClassName.get(List.class),
            RuntimeTypes.PARAMETER);
    private static final TypeName LINT_FINDING_LIST = ParameterizedTypeName.get(ClassName.get(List.class),
            RuntimeTypes.LINT_FINDING);
    private static final TypeName BUFFER_MAP = ParameterizedTypeName.get(ClassName.get(Map.class),
            ClassName.get(String.class), RuntimeTypes.INDARRAY);

    /**
     * The source file of the model's generated class, in the model's package, for a model with no lint
     * findings.
     *
     * @throws IllegalArgumentException if a layer has a kind no emitter handles
     */
    public static JavaFile generate(ModelIR model) {
        return generate(model, model);
    }

    /**
     * The source file of the generated class that runs {@code model}, the rewritten form of
     * {@code declared}: the layers' {@code Layer} constants (output shape, parameter count) and
     * {@code layers()} describe the declared model, layer for layer in declaration order, so that
     * rewrites never change what the user sees of their model; the code and {@code parameters()}
     * follow {@code model}.
     *
     * @throws IllegalArgumentException if a layer has a kind no emitter handles, or the two models
     *     do not have the same layer names
     */
    public static JavaFile generate(ModelIR model, ModelIR declared) {
        return generate(model, declared, List.of());
    }

    /**
     * As {@link #generate(ModelIR, ModelIR)}, and the class returns {@code lintFindings} (what the lint
     * reported on the declared model) from {@code lintFindings()}; with none it keeps the interface's
     * default.
     *
     * @throws IllegalArgumentException as {@link #generate(ModelIR, ModelIR)} does
     */
    public static JavaFile generate(ModelIR model, ModelIR declared, List<ReportedFinding> lintFindings) {
        return generate(model, declared, lintFindings, true);
    }

    /**
     * As {@link #generate(ModelIR, ModelIR, List)}; {@code fuse} switches the generator's own rewrites
     * on or off: the fusion rules ({@link BatchNormActivationFusion}) and the inference pass of
     * {@link Rewrites#forInference} ({@link InferenceMethod}).
     *
     * @throws IllegalArgumentException as {@link #generate(ModelIR, ModelIR)} does
     */
    public static JavaFile generate(ModelIR model, ModelIR declared, List<ReportedFinding> lintFindings,
            boolean fuse) {
        ModelPlan plan = ModelPlan.of(model, fuse);
        ModelIR inference = fuse ? Rewrites.forInference(model) : null;
        boolean inferencePass = inference != null && InferenceMethod.differs(plan, inference);
        ClassName modelInterface = model.element() != null
                ? ClassName.get(model.element())
                : ClassName.get(model.packageName(), model.interfaceName());
        ClassName generated = ClassName.get(model.packageName(), model.generatedName());

        // What a rewrite carried out was not printed: the class Javadoc names it, lintFindings() does not.
        List<ReportedFinding> printed = lintFindings.stream().filter(f -> !f.carriedOut()).toList();
        TypeSpec.Builder type = TypeSpec.classBuilder(generated)
                .addJavadoc(ClassJavadoc.of(plan, modelInterface, generated, lintFindings))
                .addAnnotation(AnnotationSpec.builder(RuntimeTypes.GENERATED)
                        .addMember("value", "$S", GENERATOR)
                        .build())
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(modelInterface)
                .addSuperinterface(RuntimeTypes.MODEL_INTERFACE);
        if (model.element() != null) {
            type.addOriginatingElement(model.element())
                    // Member types inherited from the interface would shadow imported kernel names.
                    .avoidClashesWithNestedClasses(model.element())
                    // So would its constants: in 'Init.uniformFanIn(...)' a field named Init wins over the type.
                    .alwaysQualify(RuntimeTypes.namesToQualify(
                            ElementFilter.fieldsIn(model.element().getEnclosedElements()).stream()
                                    .map(f -> f.getSimpleName().toString())
                                    .toList()));
        }

        addConstants(type, plan, declared);
        if (!printed.isEmpty()) {
            type.addField(lintFindingsConstant(printed));
        }
        addFields(type, plan);
        type.addMethods(factories(plan, generated))
                .addMethod(constructor(plan));
        for (LayerContext layer : plan.layers()) {
            type.addMethod(MethodSpec.methodBuilder(layer.name())
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(RuntimeTypes.LAYER)
                    .addStatement("return $N", layer.constant())
                    .build());
        }
        type.addMethod(ForwardMethod.of(plan, inferencePass));
        if (inferencePass) {
            type.addMethod(InferenceMethod.of(plan, inference));
        }
        type
                .addMethod(BackwardMethod.of(plan))
                .addMethods(modelMethods(plan))
                .addMethod(firstNonFiniteLayer())
                .addMethod(observedForward())
                .addMethod(afterLayer());
        if (!printed.isEmpty()) {
            type.addMethod(override("lintFindings", LINT_FINDING_LIST)
                    .addStatement("return $N", Members.LINT_FINDINGS)
                    .build());
        }
        type.addMethod(toStringMethod(declared))
                .addMethod(checkExampleShape(model));

        return JavaFile.builder(model.packageName(), type.build())
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
    }

    private static void addConstants(TypeSpec.Builder type, ModelPlan plan, ModelIR declared) {
        Map<String, LayerContext> byName = new LinkedHashMap<>();
        plan.layers().forEach(l -> byName.put(l.name(), l));
        if (declared.layers().size() != byName.size()
                || !declared.layers().stream().allMatch(n -> byName.containsKey(n.name()))) {
            throw new IllegalArgumentException("the executed model does not have the declared model's layers");
        }
        List<LayerContext> inDeclarationOrder = new ArrayList<>();
        for (LayerNode node : declared.layers()) {
            LayerContext layer = byName.get(node.name());
            inDeclarationOrder.add(layer);
            type.addField(FieldSpec.builder(RuntimeTypes.LAYER_INFO, layer.constant(), Modifier.PRIVATE,
                            Modifier.STATIC, Modifier.FINAL)
                    .initializer("new $T($S, $S,$W$L,$W$LL)", RuntimeTypes.LAYER_INFO, node.name(), node.spec().kind(),
                            Literals.intArray(node.output().dims()), node.parameterCount())
                    .build());
        }
        CodeBlock constants = inDeclarationOrder.stream()
                .map(l -> CodeBlock.of("$N", l.constant()))
                .collect(CodeBlock.joining(",$W"));
        type.addField(FieldSpec.builder(ParameterizedTypeName.get(ClassName.get(List.class), RuntimeTypes.LAYER),
                        Members.LAYERS, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$T.of($L)", List.class, constants)
                .build());
        type.addField(FieldSpec.builder(INT_ARRAY, Members.INPUT_SHAPE, Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                .initializer(Literals.intArrayInitializer(plan.model().input().dims()))
                .build());
        type.addField(FieldSpec.builder(INT_ARRAY, Members.OUTPUT_SHAPE, Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                .initializer(Literals.intArrayInitializer(plan.model().output().dims()))
                .build());
        if (plan.hasDropout()) {
            type.addField(FieldSpec.builder(TypeName.LONG, Members.DROPOUT_SEED_MIX, Modifier.PRIVATE,
                            Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Mixed into the seed of the dropout generator, so that masks and initial values "
                            + "come from\ndifferent streams.\n")
                    .initializer("0x$LL", Long.toHexString(DROPOUT_SEED_MIX).toUpperCase(Locale.ROOT))
                    .build());
        }
    }

    private static void addFields(TypeSpec.Builder type, ModelPlan plan) {
        type.addField(RuntimeTypes.DATA_TYPE, Members.DATA_TYPE, Modifier.PRIVATE, Modifier.FINAL);
        for (LayerContext layer : plan.layers()) {
            for (LayerEmitter.Tensor t : layer.emitter().parameters(layer.node())) {
                type.addField(FieldSpec.builder(RuntimeTypes.PARAMETER, layer.field(t.role()), Modifier.PRIVATE,
                                Modifier.FINAL)
                        .addJavadoc("{@code $L.$L} {@code $L}: $L.\n", layer.name(), t.role(),
                                Literals.shape(t.shape()), t.axes())
                        .build());
            }
            for (LayerEmitter.Tensor t : layer.emitter().buffers(layer.node())) {
                type.addField(FieldSpec.builder(RuntimeTypes.INDARRAY, layer.field(t.role()), Modifier.PRIVATE,
                                Modifier.FINAL)
                        .addJavadoc("Buffer {@code $L.$L} {@code $L}: $L.\n", layer.name(), t.role(),
                                Literals.shape(t.shape()), t.axes())
                        .build());
            }
            for (LayerEmitter.Tensor t : layer.emitter().scratch(layer.node())) {
                type.addField(FieldSpec.builder(RuntimeTypes.INDARRAY, layer.field(t.role()), Modifier.PRIVATE,
                                Modifier.FINAL)
                        .addJavadoc("Scratch {@code $L.$L} {@code $L}: $L.\n", layer.name(), t.role(),
                                Literals.shape(t.shape()), t.axes())
                        .build());
            }
        }
        type.addField(PARAMETER_LIST, Members.PARAMETERS, Modifier.PRIVATE, Modifier.FINAL);
        type.addField(BUFFER_MAP, Members.BUFFERS, Modifier.PRIVATE, Modifier.FINAL);
        if (plan.hasDropout()) {
            type.addField(RuntimeTypes.RANDOM, Members.DROPOUT_RNG, Modifier.PRIVATE, Modifier.FINAL);
        }
        for (LayerContext layer : plan.layers()) {
            if (!layer.inBackward()) {
                continue;
            }
            for (LayerEmitter.Cache c : layer.emitter().caches(layer.node())) {
                FieldSpec.Builder field = FieldSpec.builder(c.type(), layer.field(c.role()), Modifier.PRIVATE)
                        .addJavadoc("$L\n", c.doc());
                if (c.initializer() != null) {
                    field.addModifiers(Modifier.FINAL).initializer(c.initializer());
                }
                type.addField(field.build());
            }
        }
        type.addField(FieldSpec.builder(TypeName.BOOLEAN, Members.BACKWARD_READY, Modifier.PRIVATE)
                .addJavadoc("Whether the last forward pass was a completed training pass, whose tensors backward "
                        + "reads.\n")
                .build());
        type.addField(FieldSpec.builder(TypeName.BOOLEAN, Members.FIND_NON_FINITE, Modifier.PRIVATE)
                .addJavadoc("Set during {@link #firstNonFiniteLayer}: forward then notes the first layer whose "
                        + "output is not\nfinite.\n")
                .build());
        type.addField(FieldSpec.builder(String.class, Members.NON_FINITE_LAYER, Modifier.PRIVATE)
                .addJavadoc("The first layer whose output held NaN or infinity while looking, or null.\n")
                .build());
        type.addField(FieldSpec.builder(RuntimeTypes.LAYER_OBSERVER, Members.LAYER_OBSERVER, Modifier.PRIVATE)
                .addJavadoc("Set during {@link #forward(INDArray, boolean, LayerObserver)}: receives each layer's "
                        + "output.\n")
                .build());
    }

    private static List<MethodSpec> factories(ModelPlan plan, ClassName generated) {
        String model = plan.model().interfaceName();
        MethodSpec withFloat = MethodSpec.methodBuilder("create")
                .addJavadoc("A new {@code $L} with {@code FLOAT} parameters initialised from {@code seed}.\n", model)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(generated)
                .addParameter(TypeName.LONG, "seed")
                .addStatement("return create(seed, $T.FLOAT)", RuntimeTypes.DATA_TYPE)
                .build();
        MethodSpec withType = MethodSpec.methodBuilder("create")
                .addJavadoc("A new {@code $L} whose parameters and activations are of {@code dataType}, with\n", model)
                .addJavadoc("parameters initialised from {@code seed}: the same seed gives the same parameters.\n")
                .addJavadoc("\n")
                .addJavadoc("@throws IllegalArgumentException if {@code dataType} is not a floating-point type\n")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(generated)
                .addParameter(TypeName.LONG, "seed")
                .addParameter(RuntimeTypes.DATA_TYPE, Members.DATA_TYPE)
                .beginControlFlow("if (!$N.isFPType())", Members.DATA_TYPE)
                .addStatement("throw new $T($S$W+ $N)", IllegalArgumentException.class,
                        "dataType must be a floating-point type, not ", Members.DATA_TYPE)
                .endControlFlow()
                .addStatement("return new $T(seed, $N)", generated, Members.DATA_TYPE)
                .build();
        return List.of(withFloat, withType);
    }

    private static MethodSpec constructor(ModelPlan plan) {
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(TypeName.LONG, "seed")
                .addParameter(RuntimeTypes.DATA_TYPE, Members.DATA_TYPE)
                .addStatement("this.$N = $N", Members.DATA_TYPE, Members.DATA_TYPE);
        boolean random = plan.layers().stream()
                .flatMap(l -> l.emitter().parameters(l.node()).stream())
                .anyMatch(LayerEmitter.Tensor::random);
        if (random) {
            ctor.addStatement("$T $N = $T.getRandomFactory().getNewRandomInstance(seed)", RuntimeTypes.RANDOM,
                    Members.INIT_RNG, RuntimeTypes.ND4J);
        }

        List<CodeBlock> parameterFields = new ArrayList<>();
        Map<String, String> buffers = new LinkedHashMap<>();
        String elidedBias = null;
        for (LayerContext layer : plan.layers()) {
            List<LayerEmitter.Tensor> parameters = layer.emitter().parameters(layer.node());
            List<LayerEmitter.Tensor> layerBuffers = layer.emitter().buffers(layer.node());
            if (parameters.isEmpty() && layerBuffers.isEmpty()) {
                continue;
            }
            ctor.addCode("\n").addComment("$L: $L", layer.name(), layer.emitter().initSummary(layer.node()));
            for (LayerEmitter.Tensor t : parameters) {
                ctor.addStatement("$N = $T.of($L)", layer.field(t.role()), RuntimeTypes.PARAMETER,
                        arguments(CodeBlock.of("$S", layer.name() + "." + t.role()), t.init()));
                parameterFields.add(CodeBlock.of("$N", layer.field(t.role())));
            }
            for (LayerEmitter.Tensor t : layer.emitter().elided(layer.node())) {
                ctor.addComment("$L.$L is elided (see the rewrite in forward) but still drawn, so that later "
                        + "parameters do not change", layer.name(), t.role().replace("elided_", ""));
                ctor.addStatement("$T $N = $L", RuntimeTypes.INDARRAY, layer.field(t.role()), t.init());
                elidedBias = layer.field(t.role());
            }
            for (LayerEmitter.Tensor t : layerBuffers) {
                ctor.addStatement("$N = $L", layer.field(t.role()), t.init());
                buffers.put(layer.name() + "." + t.role(), layer.field(t.role()));
            }
            for (LayerEmitter.Tensor t : layer.emitter().scratch(layer.node())) {
                ctor.addStatement("$N = $L", layer.field(t.role()), t.init());
            }
            if (BiasBeforeBatchNorm.absorbsBias(layer.node())) {
                if (elidedBias == null) {
                    throw new IllegalArgumentException(layer.name() + " absorbs a bias that no layer before it elided");
                }
                ctor.addComment("Absorbs the elided bias: the running mean stays exactly that bias below the declared "
                        + "model's");
                ctor.addStatement("$N.subi($N)", layer.field("running_mean"), elidedBias);
            }
        }

        ctor.addCode("\n");
        if (parameterFields.isEmpty()) {
            ctor.addStatement("$N = $T.of()", Members.PARAMETERS, List.class);
        } else {
            ctor.addStatement("$N = $T.of($L)", Members.PARAMETERS, List.class,
                    CodeBlock.join(parameterFields, ",$W"));
        }
        if (buffers.isEmpty()) {
            ctor.addStatement("$N = $T.of()", Members.BUFFERS, Map.class);
        } else {
            ctor.addStatement("$T buffers = new $T<>()", BUFFER_MAP, LinkedHashMap.class);
            buffers.forEach((name, field) -> ctor.addStatement("buffers.put($S, $N)", name, field));
            ctor.addStatement("$N = $T.unmodifiableMap(buffers)", Members.BUFFERS, Collections.class);
        }
        if (plan.hasDropout()) {
            ctor.addStatement("$N = $T.getRandomFactory().getNewRandomInstance(seed ^ $N)", Members.DROPOUT_RNG,
                    RuntimeTypes.ND4J, Members.DROPOUT_SEED_MIX);
        }
        return ctor.build();
    }

    private static List<MethodSpec> modelMethods(ModelPlan plan) {
        MethodSpec.Builder seedDropout = override("seedDropout", TypeName.VOID)
                .addParameter(TypeName.LONG, "seed");
        if (plan.hasDropout()) {
            seedDropout.addStatement("$N.setSeed(seed)", Members.DROPOUT_RNG);
        } else {
            seedDropout.addComment("No dropout layers: nothing to seed.");
        }
        return List.of(
                override("parameters", PARAMETER_LIST).addStatement("return $N", Members.PARAMETERS).build(),
                override("buffers", BUFFER_MAP).addStatement("return $N", Members.BUFFERS).build(),
                seedDropout.build(),
                override("loss", RuntimeTypes.LOSS)
                        .addStatement("return $T.$L", RuntimeTypes.LOSS, plan.model().loss().name())
                        .build(),
                override("inputShape", INT_ARRAY).addStatement("return $N.clone()", Members.INPUT_SHAPE).build(),
                override("outputShape", INT_ARRAY).addStatement("return $N.clone()", Members.OUTPUT_SHAPE).build(),
                override("layers", ParameterizedTypeName.get(ClassName.get(List.class), RuntimeTypes.LAYER))
                        .addStatement("return $N", Members.LAYERS)
                        .build(),
                override("dataType", RuntimeTypes.DATA_TYPE).addStatement("return $N", Members.DATA_TYPE).build());
    }

    private static MethodSpec firstNonFiniteLayer() {
        return override("firstNonFiniteLayer",
                        ParameterizedTypeName.get(ClassName.get(Optional.class), ClassName.get(String.class)))
                .addParameter(RuntimeTypes.INDARRAY, Members.INPUT)
                .addParameter(TypeName.BOOLEAN, Members.TRAINING)
                .addStatement("$N = true", Members.FIND_NON_FINITE)
                .addStatement("$N = null", Members.NON_FINITE_LAYER)
                .beginControlFlow("try")
                .addStatement("forward($N, $N)", Members.INPUT, Members.TRAINING)
                .nextControlFlow("finally")
                .addStatement("$N = false", Members.FIND_NON_FINITE)
                .endControlFlow()
                .addStatement("return $T.ofNullable($N)", Optional.class, Members.NON_FINITE_LAYER)
                .build();
    }

    private static MethodSpec observedForward() {
        return override("forward", RuntimeTypes.INDARRAY)
                .addParameter(RuntimeTypes.INDARRAY, Members.INPUT)
                .addParameter(TypeName.BOOLEAN, Members.TRAINING)
                .addParameter(RuntimeTypes.LAYER_OBSERVER, "observer")
                .addStatement("$N = $T.requireNonNull(observer, $S)", Members.LAYER_OBSERVER, Objects.class, "observer")
                .beginControlFlow("try")
                .addStatement("return forward($N, $N)", Members.INPUT, Members.TRAINING)
                .nextControlFlow("finally")
                .addStatement("$N = null", Members.LAYER_OBSERVER)
                .endControlFlow()
                .build();
    }

    private static MethodSpec afterLayer() {
        return MethodSpec.methodBuilder(Members.AFTER_LAYER)
                .addJavadoc("Called by forward after each layer: notes {@code layer} if, while looking for it, it is "
                        + "the first\nwhose {@code output} holds NaN or infinity, and hands the output to the layer "
                        + "observer, if any.\n")
                .addModifiers(Modifier.PRIVATE)
                .addParameter(String.class, "layer")
                .addParameter(RuntimeTypes.INDARRAY, "output")
                .beginControlFlow("if ($N && $N == null && !$T.allFinite(output))", Members.FIND_NON_FINITE,
                        Members.NON_FINITE_LAYER, RuntimeTypes.TENSORS)
                .addStatement("$N = layer", Members.NON_FINITE_LAYER)
                .endControlFlow()
                .beginControlFlow("if ($N != null)", Members.LAYER_OBSERVER)
                .addStatement("$N.layerOutput(layer, output)", Members.LAYER_OBSERVER)
                .endControlFlow()
                .build();
    }

    /** {@code LINT_FINDINGS}: one {@code LintFinding} per reported finding, in reporting order. */
    private static FieldSpec lintFindingsConstant(List<ReportedFinding> findings) {
        CodeBlock entries = findings.stream()
                .map(f -> CodeBlock.of("new $T($S, $S, $S,\n$>$S$<)", RuntimeTypes.LINT_FINDING, f.ruleId(),
                        f.severity().name(), f.layer(), f.message()))
                .collect(CodeBlock.joining(",\n"));
        return FieldSpec.builder(LINT_FINDING_LIST, Members.LINT_FINDINGS, Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                .addJavadoc("What Lamina's lint reported on this model when it was compiled.\n")
                .initializer("$T.of(\n$>$>$L$<$<)", List.class, entries)
                .build();
    }

    private static MethodSpec toStringMethod(ModelIR model) {
        String prefix = model.interfaceName() + " (Lamina; " + model.layers().size() + " layers, "
                + Literals.count(model.parameterCount()) + " parameters, ";
        return override("toString", ClassName.get(String.class))
                .addStatement("return $S + $N + $S", prefix, Members.DATA_TYPE, ")")
                .build();
    }

    private static MethodSpec.Builder override(String name, TypeName returns) {
        return MethodSpec.methodBuilder(name)
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(returns);
    }

    /** The helper behind forward's input check and backward's dOutput check. */
    private static MethodSpec checkExampleShape(ModelIR model) {
        return MethodSpec.methodBuilder(Members.CHECK_EXAMPLE_SHAPE)
                .addJavadoc("Checks that {@code array} is a batch of examples of {@code exampleShape}:\n")
                .addJavadoc("{@code [N, ...exampleShape]}.\n")
                .addJavadoc("\n")
                .addJavadoc("@throws IllegalArgumentException naming both example shapes otherwise\n")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(String.class, "what")
                .addParameter(RuntimeTypes.INDARRAY, "array")
                .addParameter(INT_ARRAY, "exampleShape")
                .addStatement("long[] shape = array.shape()")
                .addStatement("boolean matches = shape.length == exampleShape.length + 1")
                .beginControlFlow("for (int axis = 0; matches && axis < exampleShape.length; axis++)")
                .addStatement("matches = shape[axis + 1] == exampleShape[axis]")
                .endControlFlow()
                .beginControlFlow("if (!matches)")
                .addStatement("long[] actual = $T.copyOfRange(shape, $T.min(1, shape.length), shape.length)",
                        Arrays.class, Math.class)
                .addStatement("throw new $T(what + $S + $T.toString(shape)$W+ $S + $T.toString(actual)$W+ $S$W+ "
                                + "$T.toString(exampleShape)$W+ $S)",
                        IllegalArgumentException.class, " ", Arrays.class, " holds examples of shape ", Arrays.class,
                        ", but " + model.interfaceName() + " expects examples of shape ", Arrays.class,
                        " (shapes without the batch axis)")
                .endControlFlow()
                .build();
    }
}
