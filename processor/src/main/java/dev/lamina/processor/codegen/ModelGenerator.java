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
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.Step;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.ReportedFinding;
import dev.lamina.processor.ir.RewriteFact;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.plan.ExecutionPlan;
import dev.lamina.processor.plan.Fusion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    private static final TypeName LINT_FINDING_LIST = ParameterizedTypeName.get(ClassName.get(List.class),
            RuntimeTypes.LINT_FINDING);
    private static final TypeName BUFFER_MAP = ParameterizedTypeName.get(ClassName.get(Map.class),
            ClassName.get(String.class), RuntimeTypes.INDARRAY);

    /**
     * The source file of the generated class that runs {@code plan}: the layers' {@code Layer}
     * constants (output shape, parameter count) and {@code layers()} describe the declared model,
     * layer for layer in declaration order, so that rewrites never change what the user sees of
     * their model; the code and {@code parameters()} follow the plan. The class returns
     * {@code lintFindings} (what the lint reported on the declared model) from
     * {@code lintFindings()}; with none it keeps the interface's default.
     */
    public static JavaFile generate(ExecutionPlan executionPlan, List<ReportedFinding> lintFindings) {
        ClassLayout plan = ClassLayout.of(executionPlan);
        ModelIR model = executionPlan.executed();
        ModelIR declared = executionPlan.declared();
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
                .superclass(RuntimeTypes.GENERATED_MODEL)
                .addSuperinterface(modelInterface);
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
        type.addMethods(layerMethods(plan, declared));
        type.addMethod(ForwardMethod.of(plan, executionPlan.inference().isPresent()));
        executionPlan.inference().ifPresent(inference -> type.addMethod(InferenceMethod.of(plan, inference)));
        type.addMethod(BackwardMethod.of(plan))
                .addMethod(seedDropout(plan));
        if (!printed.isEmpty()) {
            type.addMethod(override("lintFindings", LINT_FINDING_LIST)
                    .addStatement("return $N", Members.LINT_FINDINGS)
                    .build());
        }

        return JavaFile.builder(model.packageName(), type.build())
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
    }

    /**
     * The interface's methods: one per step the model declares (a layer, or the use of a block, whose
     * method returns its junction's {@code Layer}, or for a {@code @Repeat} a {@code Layer} of all its
     * units). Layers inside blocks have no method: their interfaces are not implemented.
     */
    private static List<MethodSpec> layerMethods(ClassLayout plan, ModelIR declared) {
        List<MethodSpec> methods = new ArrayList<>();
        Set<String> written = new HashSet<>();
        for (Step step : declared.steps()) {
            String method = step instanceof Group group ? group.repeat() : step.name();
            if (!written.add(method)) {
                continue;
            }
            String constant = step instanceof Group
                    ? plan.repeatConstants().get(method)
                    : plan.layer(step instanceof LayerNode ? step.name() : step.layers().get(step.layers().size() - 1)
                            .name()).constant();
            methods.add(MethodSpec.methodBuilder(method)
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(RuntimeTypes.LAYER)
                    .addStatement("return $N", constant)
                    .build());
        }
        return methods;
    }

    /** {@code Layer}s of each {@code @Repeat} use: its units' last output and all their parameters. */
    private static void addRepeatConstants(TypeSpec.Builder type, ClassLayout plan, ModelIR declared) {
        plan.repeatConstants().forEach((repeat, constant) -> {
            List<Group> units = declared.steps().stream()
                    .filter(s -> s instanceof Group g && g.repeat().equals(repeat))
                    .map(Group.class::cast)
                    .toList();
            long parameters = units.stream().flatMap(g -> g.layers().stream()).mapToLong(LayerNode::parameterCount).sum();
            type.addField(FieldSpec.builder(RuntimeTypes.LAYER_INFO, constant, Modifier.PRIVATE, Modifier.STATIC,
                            Modifier.FINAL)
                    .addJavadoc("{@code $L}: $L units of {@code $L}, whose layers are in {@code layers()}.\n", repeat,
                            units.size(), units.get(0).block())
                    .initializer("new $T($S, $S,$W$L,$W$LL)", RuntimeTypes.LAYER_INFO, repeat, "Repeat",
                            Literals.intArray(units.get(units.size() - 1).output().dims()), parameters)
                    .build());
        });
    }

    private static void addConstants(TypeSpec.Builder type, ClassLayout plan, ModelIR declared) {
        List<LayerContext> inDeclarationOrder = new ArrayList<>();
        for (LayerNode node : declared.layers()) {
            LayerContext layer = plan.layer(node.name());
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
        addRepeatConstants(type, plan, declared);
        type.addField(FieldSpec.builder(INT_ARRAY, Members.INPUT_SHAPE, Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                .initializer(Literals.intArrayInitializer(plan.model().input().dims()))
                .build());
        type.addField(FieldSpec.builder(INT_ARRAY, Members.OUTPUT_SHAPE, Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                .initializer(Literals.intArrayInitializer(plan.model().output().dims()))
                .build());
        for (LayerContext layer : plan.layers()) {
            for (LayerEmitter.Setting setting : layer.emitter().settings(layer.node())) {
                type.addField(FieldSpec.builder(setting.type(), layer.settings().get(setting.name()), Modifier.PRIVATE,
                                Modifier.STATIC, Modifier.FINAL)
                        .initializer(setting.value())
                        .build());
            }
        }
        if (plan.hasDropout()) {
            type.addField(FieldSpec.builder(TypeName.LONG, Members.DROPOUT_SEED_MIX, Modifier.PRIVATE,
                            Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Mixed into the seed of the dropout generator, so that masks and initial values "
                            + "come from\ndifferent streams.\n")
                    .initializer("0x$LL", Long.toHexString(DROPOUT_SEED_MIX).toUpperCase(Locale.ROOT))
                    .build());
        }
    }

    private static void addFields(TypeSpec.Builder type, ClassLayout plan) {
        for (LayerContext layer : plan.layers()) {
            for (LayerEmitter.Tensor t : layer.emitter().parameters(layer.node())) {
                type.addField(FieldSpec.builder(RuntimeTypes.PARAMETER, layer.field(t.role()), Modifier.PRIVATE,
                                Modifier.FINAL)
                        .addJavadoc("{@code $L.$L} {@code $L}: $L.\n", layer.name(), t.role().key(),
                                Literals.shape(t.shape()), t.axes())
                        .build());
            }
            for (LayerEmitter.Tensor t : layer.emitter().buffers(layer.node())) {
                type.addField(FieldSpec.builder(RuntimeTypes.INDARRAY, layer.field(t.role()), Modifier.PRIVATE,
                                Modifier.FINAL)
                        .addJavadoc("Buffer {@code $L.$L} {@code $L}: $L.\n", layer.name(), t.role().key(),
                                Literals.shape(t.shape()), t.axes())
                        .build());
            }
            for (LayerEmitter.Tensor t : layer.emitter().scratch(layer.node())) {
                type.addField(FieldSpec.builder(RuntimeTypes.INDARRAY, layer.field(t.role()), Modifier.PRIVATE,
                                Modifier.FINAL)
                        .addJavadoc("Scratch {@code $L.$L} {@code $L}: $L.\n", layer.name(), t.role().key(),
                                Literals.shape(t.shape()), t.axes())
                        .build());
            }
        }
        if (plan.hasDropout()) {
            type.addField(RuntimeTypes.RANDOM, Members.DROPOUT_RNG, Modifier.PRIVATE, Modifier.FINAL);
        }
        for (LayerContext layer : plan.layers()) {
            if (!layer.inBackward() || plan.fused(layer)) {
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
        for (Fusion fusion : plan.fusions()) {
            type.addField(FusedForward.field(fusion, plan));
        }
    }

    private static List<MethodSpec> factories(ClassLayout plan, ClassName generated) {
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
                .addStatement("return new $T(seed, $N)", generated, Members.DATA_TYPE)
                .build();
        return List.of(withFloat, withType);
    }

    private static MethodSpec constructor(ClassLayout plan) {
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(TypeName.LONG, "seed")
                .addParameter(RuntimeTypes.DATA_TYPE, Members.DATA_TYPE)
                .addStatement("super($S, $T.$L, $N, $N, $N, $N$L)", plan.model().interfaceName(), RuntimeTypes.LOSS,
                        plan.model().loss().name(), Members.INPUT_SHAPE, Members.OUTPUT_SHAPE, Members.LAYERS,
                        Members.DATA_TYPE, plan.model().input().layout() == Shape.Layout.TOKENS
                                ? CodeBlock.of(", $N", Members.TOKEN_IDS) : CodeBlock.of(""));
        boolean random = plan.layers().stream()
                .flatMap(l -> l.emitter().parameters(l.node()).stream())
                .anyMatch(LayerEmitter.Tensor::random);
        if (random) {
            ctor.addStatement("$T $N = $T.getRandomFactory().getNewRandomInstance(seed)", RuntimeTypes.RANDOM,
                    Members.INIT_RNG, RuntimeTypes.ND4J);
        }

        List<CodeBlock> parameterFields = new ArrayList<>();
        Map<String, String> buffers = new LinkedHashMap<>();
        for (LayerContext layer : plan.layers()) {
            List<LayerEmitter.Tensor> parameters = layer.emitter().parameters(layer.node());
            List<LayerEmitter.Tensor> layerBuffers = layer.emitter().buffers(layer.node());
            if (parameters.isEmpty() && layerBuffers.isEmpty()) {
                continue;
            }
            ctor.addCode("\n").addComment("$L: $L", layer.name(), layer.emitter().initSummary(layer.node()));
            for (LayerEmitter.Tensor t : parameters) {
                ctor.addStatement("$N = $T.of($L)", layer.field(t.role()), RuntimeTypes.PARAMETER,
                        arguments(CodeBlock.of("$S", layer.name() + "." + t.role().key()), t.init()));
                parameterFields.add(CodeBlock.of("$N", layer.field(t.role())));
            }
            for (LayerEmitter.Tensor t : layer.emitter().elided(layer.node())) {
                ctor.addComment("$L", layer.node().fact(RewriteFact.BiasElided.class).orElseThrow().initComment());
                ctor.addStatement("$T $N = $L", RuntimeTypes.INDARRAY, layer.field(t.role()), t.init());
            }
            for (LayerEmitter.Tensor t : layerBuffers) {
                ctor.addStatement("$N = $L", layer.field(t.role()), t.init());
                buffers.put(layer.name() + "." + t.role().key(), layer.field(t.role()));
            }
            for (LayerEmitter.Tensor t : layer.emitter().scratch(layer.node())) {
                ctor.addStatement("$N = $L", layer.field(t.role()), t.init());
            }
            var absorbed = layer.node().fact(RewriteFact.BiasAbsorbed.class);
            if (absorbed.isPresent()) {
                ctor.addComment("$L", absorbed.get().comment());
                ctor.addStatement("$N.subi($N)", layer.field(Role.RUNNING_MEAN),
                        plan.layer(absorbed.get().weightLayer()).field(Role.ELIDED_BIAS));
            }
        }

        ctor.addCode("\n");
        CodeBlock bufferMap = CodeBlock.of("$T.of()", Map.class);
        if (!buffers.isEmpty()) {
            ctor.addStatement("$T buffers = new $T<>()", BUFFER_MAP, LinkedHashMap.class);
            buffers.forEach((name, field) -> ctor.addStatement("buffers.put($S, $N)", name, field));
            bufferMap = CodeBlock.of("buffers");
        }
        ctor.addStatement("register($T.of($L),$W$L)", List.class, CodeBlock.join(parameterFields, ",$W"), bufferMap);
        if (plan.hasDropout()) {
            ctor.addStatement("$N = $T.getRandomFactory().getNewRandomInstance(seed ^ $N)", Members.DROPOUT_RNG,
                    RuntimeTypes.ND4J, Members.DROPOUT_SEED_MIX);
        }
        return ctor.build();
    }

    private static MethodSpec seedDropout(ClassLayout plan) {
        MethodSpec.Builder seedDropout = override("seedDropout", TypeName.VOID)
                .addParameter(TypeName.LONG, "seed");
        if (plan.hasDropout()) {
            seedDropout.addStatement("$N.setSeed(seed)", Members.DROPOUT_RNG);
        } else {
            seedDropout.addComment("No dropout layers: nothing to seed.");
        }
        return seedDropout.build();
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

    private static MethodSpec.Builder override(String name, TypeName returns) {
        return MethodSpec.methodBuilder(name)
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(returns);
    }
}
