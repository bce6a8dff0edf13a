package dev.lamina.processor.read;

import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.SourceRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * Reads a {@code @Sequential} interface into a {@link ModelIR} whose layers have no shapes yet
 * ({@code input} and {@code output} null). Malformed declarations become errors in the report.
 *
 * <p>The layers are the interface's abstract methods in source order ({@link
 * TypeElement#getEnclosedElements()} keeps source order for types read from source). Annotation
 * values are read from the {@link AnnotationMirror}s, with defaults applied, so no annotation class
 * is loaded. Every error found is reported, not only the first, and each lands on the most precise
 * source: the offending annotation value, else the annotation, else the method or interface.
 */
public final class ModelReader {
    private static final String DSL_PACKAGE = DslNames.PACKAGE;
    private static final String LAYER_TYPE = DslNames.LAYER;
    private static final String SEQUENTIAL = DslNames.SEQUENTIAL;
    /** Its no-argument methods are implemented by the generated class too, so layers must not reuse them. */
    private static final String RUNTIME_MODEL = "dev.lamina.runtime.model.Model";
    /** The generated class's base class; its no-argument methods are reserved too. */
    private static final String GENERATED_MODEL = "dev.lamina.runtime.model.GeneratedModel";

    private final ProcessingEnvironment env;

    public ModelReader(ProcessingEnvironment env) {
        this.env = env;
    }

    /**
     * The model, or empty when the declaration has errors: all of them are in {@code report},
     * except where javac could not resolve a type or compute an annotation value, which javac
     * reports itself.
     */
    public Optional<ModelIR> read(Element element, Report report) {
        return new Reading(env.getElementUtils(), report).read(element);
    }

    /** The state of reading one model. */
    private static final class Reading {
        private final Elements elements;
        private final Report report;
        /**
         * Set when javac could not resolve part of the declaration (an unknown return type, an
         * annotation value that is not a constant, a missing member): javac reports that error
         * itself, so we generate nothing and add no noise.
         */
        private boolean incomplete;

        Reading(Elements elements, Report report) {
            this.elements = elements;
            this.report = report;
        }

        Optional<ModelIR> read(Element element) {
            AnnotationMirror sequential = findAnnotation(element, SEQUENTIAL);
            String name = element.getSimpleName().toString();
            if (element.getKind() != ElementKind.INTERFACE) {
                report.add(Diagnostic.Kind.ERROR, Messages.notAnInterface(name, describe(element.getKind())),
                        element, sequential, null);
                return Optional.empty();
            }
            TypeElement type = (TypeElement) element;
            checkDeclaration(type, sequential);
            Shape input = sequential == null ? null : readInput(type, sequential);
            Loss loss = sequential == null ? null : readLoss(sequential);
            List<LayerNode> layers = readLayers(type, sequential);
            if (report.hasErrors() || incomplete || sequential == null) {
                return Optional.empty();
            }
            String packageName = elements.getPackageOf(type).getQualifiedName().toString();
            return Optional.of(ModelIR.of(packageName, name, type, input, loss, layers));
        }

        private void checkDeclaration(TypeElement type, AnnotationMirror sequential) {
            String name = type.getSimpleName().toString();
            if (type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS) {
                report.add(Diagnostic.Kind.ERROR, Messages.localInterface(name), type, sequential, null);
            } else if (isPrivateOrInPrivate(type)) {
                report.add(Diagnostic.Kind.ERROR, Messages.privateInterface(name), type, sequential, null);
            }
            if (!type.getTypeParameters().isEmpty()) {
                report.add(Diagnostic.Kind.ERROR, Messages.genericInterface(name), type, sequential, null);
            }
            if (!type.getInterfaces().isEmpty()) {
                report.add(Diagnostic.Kind.ERROR, Messages.extendsInterfaces(name), type, sequential, null);
            }
        }

        private static boolean isPrivateOrInPrivate(TypeElement type) {
            for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
                if (e.getModifiers().contains(Modifier.PRIVATE)) {
                    return true;
                }
            }
            return false;
        }

        private Shape readInput(TypeElement type, AnnotationMirror sequential) {
            AnnotationValue value = valuesWithDefaults(sequential).get("input");
            if (value == null || !(value.getValue() instanceof List<?> entries)) {
                incomplete = true;
                return null;
            }
            int[] dims = new int[entries.size()];
            for (int i = 0; i < dims.length; i++) {
                if (!(entries.get(i) instanceof AnnotationValue entry && entry.getValue() instanceof Integer dim)) {
                    incomplete = true;
                    return null;
                }
                dims[i] = dim;
            }
            if (dims.length != 1 && dims.length != 3) {
                report.add(Diagnostic.Kind.ERROR, Messages.inputRank(dims), type, sequential, value);
                return null;
            }
            boolean positive = true;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] <= 0) {
                    report.add(Diagnostic.Kind.ERROR, Messages.inputNotPositive(dims, i), type, sequential,
                            (AnnotationValue) entries.get(i));
                    positive = false;
                }
            }
            return positive ? Shape.of(dims) : null;
        }

        private Loss readLoss(AnnotationMirror sequential) {
            AnnotationValue value = valuesWithDefaults(sequential).get("loss");
            if (value != null && value.getValue() instanceof VariableElement constant) {
                for (Loss loss : Loss.values()) {
                    if (constant.getSimpleName().contentEquals(loss.name())) {
                        return loss;
                    }
                }
            }
            incomplete = true;
            return null;
        }

        private List<LayerNode> readLayers(TypeElement type, AnnotationMirror sequential) {
            Map<String, String> reserved = reservedMethodNames();
            Set<String> names = new HashSet<>();
            List<LayerNode> layers = new ArrayList<>();
            boolean anyAbstract = false;
            for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
                String name = method.getSimpleName().toString();
                List<AnnotationMirror> layerAnnotations = method.getAnnotationMirrors().stream()
                        .filter(ModelReader::isLayerAnnotation)
                        .<AnnotationMirror>map(a -> a)
                        .toList();
                if (!method.getModifiers().contains(Modifier.ABSTRACT)) {
                    if (!layerAnnotations.isEmpty()) {
                        AnnotationMirror first = layerAnnotations.get(0);
                        report.add(Diagnostic.Kind.ERROR,
                                Messages.layerOnConcreteMethod(kindOf(first), name, concreteModifier(method)),
                                method, first, null);
                    }
                    continue;
                }
                anyAbstract = true;
                if (layerAnnotations.isEmpty()) {
                    // Also when javac could not resolve the annotation (it drops it from the element).
                    report.add(Diagnostic.Kind.ERROR, Messages.noLayerAnnotation(name), method, null, null);
                    continue;
                }
                if (layerAnnotations.size() > 1) {
                    report.add(Diagnostic.Kind.ERROR, Messages.severalLayerAnnotations(name,
                                    layerAnnotations.stream().map(ModelReader::kindOf).toList()),
                            method, layerAnnotations.get(1), null);
                    continue;
                }
                AnnotationMirror annotation = layerAnnotations.get(0);
                checkSignature(method);
                if (reserved.containsKey(name) && method.getParameters().isEmpty()) {
                    report.add(Diagnostic.Kind.ERROR,
                            Messages.clashesWithGeneratedMethod(name, reserved.get(name)), method, annotation, null);
                }
                if (!names.add(name)) {
                    report.add(Diagnostic.Kind.ERROR, Messages.duplicateLayerName(name), method, annotation, null);
                }
                LayerNode layer = new LayerReader(method, annotation).read();
                if (layer != null) {
                    layers.add(layer);
                }
            }
            if (!anyAbstract) {
                report.add(Diagnostic.Kind.ERROR, Messages.noLayers(type.getSimpleName().toString()),
                        type, sequential, null);
            }
            return layers;
        }

        private void checkSignature(ExecutableElement method) {
            String name = method.getSimpleName().toString();
            TypeMirror returnType = method.getReturnType();
            if (returnType.getKind() == TypeKind.ERROR) {
                incomplete = true;
            } else if (!isLayerType(returnType)) {
                report.add(Diagnostic.Kind.ERROR, Messages.wrongReturnType(name, returnType.toString()),
                        method, null, null);
            }
            if (!method.getParameters().isEmpty()) {
                report.add(Diagnostic.Kind.ERROR, Messages.hasParameters(name), method, null, null);
            }
            if (!method.getTypeParameters().isEmpty()) {
                report.add(Diagnostic.Kind.ERROR, Messages.hasTypeParameters(name), method, null, null);
            }
        }

        private static boolean isLayerType(TypeMirror type) {
            return type.getKind() == TypeKind.DECLARED
                    && ((DeclaredType) type).asElement() instanceof TypeElement t
                    && t.getQualifiedName().contentEquals(LAYER_TYPE);
        }

        /**
         * Names of the no-argument methods the generated class implements besides the layers, mapped
         * to the simple name of the type declaring them: {@code Model}'s (when the runtime is on the
         * classpath) and {@code Object.finalize}, whose return type is fixed.
         */
        private Map<String, String> reservedMethodNames() {
            Map<String, String> reserved = new HashMap<>();
            reserved.put("finalize", "Object");
            // The generated class implements Model and extends GeneratedModel: a layer method may not
            // reuse a no-argument method of either (private ones are invisible to it).
            for (String typeName : List.of(RUNTIME_MODEL, GENERATED_MODEL)) {
                TypeElement type = elements.getTypeElement(typeName);
                if (type == null) {
                    continue;
                }
                for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
                    if (m.getParameters().isEmpty() && !m.getModifiers().contains(Modifier.STATIC)
                            && !m.getModifiers().contains(Modifier.PRIVATE)) {
                        reserved.putIfAbsent(m.getSimpleName().toString(), type.getSimpleName().toString());
                    }
                }
            }
            return reserved;
        }

        private Map<String, AnnotationValue> valuesWithDefaults(AnnotationMirror annotation) {
            return byMemberName(elements.getElementValuesWithDefaults(annotation));
        }

        /** Reads one layer method's annotation into a node and validates its hyperparameters. */
        private final class LayerReader {
            private final String kind;
            private final String name;
            private final SourceRef source;
            private final Map<String, AnnotationValue> values;
            /** Members whose value javac could not compute (see {@code incomplete}); not validated. */
            private final Set<String> unreadableMembers = new HashSet<>();

            LayerReader(ExecutableElement method, AnnotationMirror annotation) {
                this.kind = kindOf(annotation);
                this.name = method.getSimpleName().toString();
                this.source = new SourceRef(method, annotation, byMemberName(annotation.getElementValues()));
                this.values = valuesWithDefaults(annotation);
            }

            /** The node, or null when some value could not be read (reported). */
            LayerNode read() {
                LayerSpec spec = switch (kind) {
                    case "Conv2d" -> new LayerSpec.Conv2d(
                            positive("filters", "filters"),
                            positive("kernel", "kernel"),
                            positive("stride", "stride"),
                            LayerSpec.Conv2d.Padding.valueOf(enumConstant("padding", "VALID")),
                            bool("bias"));
                    case "Dense" -> new LayerSpec.Dense(positive("value", "units"), bool("bias"));
                    case "BatchNorm" -> new LayerSpec.BatchNorm(momentum(), epsilon());
                    case "ReLU" -> activation(LayerSpec.Activation.Function.RELU, 0);
                    case "ELU" -> activation(LayerSpec.Activation.Function.ELU, finite("alpha", "alpha"));
                    case "LeakyReLU" -> activation(LayerSpec.Activation.Function.LEAKY_RELU,
                            finite("value", "slope"));
                    case "Tanh" -> activation(LayerSpec.Activation.Function.TANH, 0);
                    case "Sigmoid" -> activation(LayerSpec.Activation.Function.SIGMOID, 0);
                    case "Softmax" -> activation(LayerSpec.Activation.Function.SOFTMAX, 0);
                    case "Dropout" -> new LayerSpec.Dropout(dropoutRate());
                    case "MaxPool2d" -> pool(LayerSpec.Pool2d.Mode.MAX);
                    case "AvgPool2d" -> pool(LayerSpec.Pool2d.Mode.AVG);
                    case "GlobalAvgPool2d" -> new LayerSpec.GlobalAvgPool2d();
                    case "Flatten" -> new LayerSpec.Flatten();
                    default -> throw new IllegalStateException("layer annotation without a reader: " + kind);
                };
                return unreadableMembers.isEmpty()
                        ? new LayerNode(name, spec, null, null, source, List.of())
                        : null;
            }

            private static LayerSpec activation(LayerSpec.Activation.Function function, double parameter) {
                return new LayerSpec.Activation(function, parameter);
            }

            private LayerSpec pool(LayerSpec.Pool2d.Mode mode) {
                int window = positive("value", "window");
                int stride = integer("stride");
                if (stride < 0 && read("stride")) {
                    report.error(source, "stride", Messages.negativePoolStride(kind, name, stride));
                }
                // 0, the default, means non-overlapping windows, as in PyTorch.
                return new LayerSpec.Pool2d(mode, window, stride == 0 ? window : stride);
            }

            private double dropoutRate() {
                double rate = real("rate");
                if (!(rate >= 0 && rate < 1) && read("rate")) { // also rejects NaN
                    report.error(source, "rate", Messages.outOfRange(kind, name, "rate", "[0, 1)", rate));
                }
                return rate;
            }

            private double momentum() {
                double momentum = real("momentum");
                if (!(momentum > 0 && momentum < 1) && read("momentum")) {
                    report.error(source, "momentum", Messages.outOfRange(kind, name, "momentum", "(0, 1)", momentum));
                }
                return momentum;
            }

            private double epsilon() {
                double epsilon = real("epsilon");
                if (!(epsilon > 0 && Double.isFinite(epsilon)) && read("epsilon")) {
                    report.error(source, "epsilon", Messages.notPositiveFinite(kind, name, "epsilon", epsilon));
                }
                return epsilon;
            }

            /** {@code what}: the name the message uses ("units" for {@code @Dense}'s {@code value}). */
            private int positive(String member, String what) {
                int value = integer(member);
                if (value <= 0 && read(member)) {
                    report.error(source, member, Messages.notPositive(kind, name, what, value));
                }
                return value;
            }

            private double finite(String member, String what) {
                double value = real(member);
                if (!Double.isFinite(value) && read(member)) {
                    report.error(source, member, Messages.notFinite(kind, name, what, value));
                }
                return value;
            }

            private int integer(String member) {
                return value(member) instanceof Integer i ? i : unreadable(member, 0);
            }

            private double real(String member) {
                return value(member) instanceof Double d ? d : unreadable(member, 0.0);
            }

            private boolean bool(String member) {
                return value(member) instanceof Boolean b ? b : unreadable(member, false);
            }

            private String enumConstant(String member, String fallback) {
                return value(member) instanceof VariableElement constant
                        ? constant.getSimpleName().toString()
                        : unreadable(member, fallback);
            }

            private boolean read(String member) {
                return !unreadableMembers.contains(member);
            }

            private Object value(String member) {
                AnnotationValue value = values.get(member);
                return value == null ? null : value.getValue();
            }

            /**
             * Notes a value javac could not compute (javac's own error says why) and returns a
             * placeholder so that the other members are still checked.
             */
            private <T> T unreadable(String member, T placeholder) {
                unreadableMembers.add(member);
                incomplete = true;
                return placeholder;
            }
        }
    }

    private static Map<String, AnnotationValue> byMemberName(
            Map<? extends ExecutableElement, ? extends AnnotationValue> values) {
        Map<String, AnnotationValue> byName = new LinkedHashMap<>();
        values.forEach((member, value) -> byName.put(member.getSimpleName().toString(), value));
        return byName;
    }

    private static AnnotationMirror findAnnotation(Element element, String qualifiedName) {
        for (AnnotationMirror a : element.getAnnotationMirrors()) {
            if (qualifiedNameOf(a).equals(qualifiedName)) {
                return a;
            }
        }
        return null;
    }

    private static boolean isLayerAnnotation(AnnotationMirror annotation) {
        String qualified = qualifiedNameOf(annotation);
        return qualified.startsWith(DSL_PACKAGE + ".")
                && Messages.LAYER_ANNOTATIONS.contains(qualified.substring(DSL_PACKAGE.length() + 1));
    }

    /** The layer annotation's simple name, which is also {@link LayerSpec#kind()}. */
    private static String kindOf(AnnotationMirror annotation) {
        return annotation.getAnnotationType().asElement().getSimpleName().toString();
    }

    private static String qualifiedNameOf(AnnotationMirror annotation) {
        Element type = annotation.getAnnotationType().asElement();
        return type instanceof TypeElement t ? t.getQualifiedName().toString() : "";
    }

    private static String concreteModifier(ExecutableElement method) {
        if (method.getModifiers().contains(Modifier.DEFAULT)) {
            return "default";
        }
        if (method.getModifiers().contains(Modifier.STATIC)) {
            return "static";
        }
        return method.getModifiers().contains(Modifier.PRIVATE) ? "private" : "non-abstract";
    }

    private static String describe(ElementKind kind) {
        return switch (kind) {
            case CLASS -> "a class";
            case ENUM -> "an enum";
            case ANNOTATION_TYPE -> "an annotation type";
            case RECORD -> "a record";
            default -> "a " + kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
