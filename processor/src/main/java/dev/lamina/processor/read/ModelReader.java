package dev.lamina.processor.read;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.Step;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
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
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * Reads a {@code @Sequential} interface into a {@link ModelIR} whose steps have no shapes yet
 * ({@code input} and {@code output} null). Malformed declarations become errors in the report.
 *
 * <p>The steps are the interface's abstract methods in source order ({@link MemberReader}); a
 * {@code @Residual}, {@code @Concat} or {@code @Repeat} method becomes a block step whose blocks
 * ({@link BlockCatalog}) are expanded under the method's name ({@link BlockExpander}). Annotation
 * values are read from the {@link AnnotationMirror}s, with defaults applied, so no annotation class
 * is loaded. Every error found is reported, not only the first, and each lands on the most precise
 * source: the offending annotation value, else the annotation, else the method or interface.
 */
public final class ModelReader {
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
        return new Reading(new ReadContext(env.getElementUtils(), report)).read(element);
    }

    /** The state of reading one model. */
    private static final class Reading {
        private final ReadContext context;
        private final Elements elements;
        private final Report report;

        Reading(ReadContext context) {
            this.context = context;
            this.elements = context.elements;
            this.report = context.report;
        }

        Optional<ModelIR> read(Element element) {
            AnnotationMirror sequential = ReadContext.findAnnotation(element, DslNames.SEQUENTIAL);
            String name = element.getSimpleName().toString();
            if (element.getKind() != ElementKind.INTERFACE) {
                report.add(Diagnostic.Kind.ERROR, Messages.notAnInterface(name, ReadContext.describe(element.getKind())),
                        element, sequential, null);
                return Optional.empty();
            }
            TypeElement type = (TypeElement) element;
            checkDeclaration(type, sequential);
            Shape input = sequential == null ? null : readInput(type, sequential);
            Loss loss = sequential == null ? null : readLoss(sequential);
            List<Member> members = new MemberReader(context, reservedMethodNames()).read(type);
            if (!MemberReader.declaresAbstractMethods(type)) {
                report.add(Diagnostic.Kind.ERROR, Messages.noLayers(name), type, sequential, null);
            }
            BlockCatalog blocks = new BlockCatalog(context);
            blocks.resolve(members);
            if (context.failed() || sequential == null || !withinLayerLimit(type, sequential, members, blocks)) {
                return Optional.empty();
            }
            List<Step> steps = new BlockExpander(blocks).expand(members, "");
            if (!namesAreUnique(steps)) {
                return Optional.empty();
            }
            String packageName = elements.getPackageOf(type).getQualifiedName().toString();
            return Optional.of(ModelIR.of(packageName, name, type, input, loss, steps));
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
            if (ReadContext.findAnnotation(type, DslNames.BLOCK) != null) {
                report.add(Diagnostic.Kind.ERROR, Messages.blockAndSequential(name), type, sequential, null);
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
            AnnotationValue value = context.valuesWithDefaults(sequential).get("input");
            if (value == null || !(value.getValue() instanceof List<?> entries)) {
                context.markIncomplete();
                return null;
            }
            int[] dims = new int[entries.size()];
            for (int i = 0; i < dims.length; i++) {
                if (!(entries.get(i) instanceof AnnotationValue entry && entry.getValue() instanceof Integer dim)) {
                    context.markIncomplete();
                    return null;
                }
                dims[i] = dim;
            }
            // An older lamina-dsl without the member declares no token input.
            AnnotationValue tokensValue = context.valuesWithDefaults(sequential).get("tokens");
            if (tokensValue != null && !(tokensValue.getValue() instanceof Boolean)) {
                context.markIncomplete();
                return null;
            }
            boolean tokens = tokensValue != null && (Boolean) tokensValue.getValue();
            if (tokens && dims.length != 1) {
                report.add(Diagnostic.Kind.ERROR, Messages.tokensInputRank(dims), type, sequential,
                        sequential.getElementValues().entrySet().stream()
                                .filter(e -> e.getKey().getSimpleName().contentEquals("tokens"))
                                .<AnnotationValue>map(java.util.Map.Entry::getValue)
                                .findFirst().orElse(value));
                return null;
            }
            if (dims.length < 1 || dims.length > 3) {
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
            if (!positive) {
                return null;
            }
            // A 2-D input is a signal [C, L]; token sequences [T, D] come from @Embedding and @Patches.
            return tokens ? Shape.tokens(dims[0]) : Shape.of(dims);
        }

        private Loss readLoss(AnnotationMirror sequential) {
            AnnotationValue value = context.valuesWithDefaults(sequential).get("loss");
            if (value != null && value.getValue() instanceof VariableElement constant) {
                for (Loss loss : Loss.values()) {
                    if (constant.getSimpleName().contentEquals(loss.name())) {
                        return loss;
                    }
                }
            }
            context.markIncomplete();
            return null;
        }

        /**
         * Whether the model, expanded, has at most {@link Messages#MAX_LAYERS} layers; if not,
         * reports on the block use that expands to the most, before anything is built.
         */
        private boolean withinLayerLimit(TypeElement type, AnnotationMirror sequential, List<Member> members,
                BlockCatalog blocks) {
            LayerCount count = new LayerCount(blocks);
            BigInteger total = count.of(members);
            if (total.compareTo(BigInteger.valueOf(Messages.MAX_LAYERS)) <= 0) {
                return true;
            }
            BlockUse largest = null;
            BigInteger largestCount = BigInteger.ZERO;
            for (Member member : members) {
                if (member instanceof BlockUse use && count.of(use).compareTo(largestCount) > 0) {
                    largest = use;
                    largestCount = count.of(use);
                }
            }
            if (largest == null) {
                report.add(Diagnostic.Kind.ERROR, Messages.tooManyLayers(type.getSimpleName().toString(), total),
                        type, sequential, null);
            } else {
                report.error(largest.source(), largest.kind() == BlockUse.Kind.REPEAT ? "times" : null,
                        Messages.tooManyLayers(largest.kind().annotation(), largest.method(), largestCount, total));
            }
            return false;
        }

        /**
         * Whether every layer's expanded name is unique. Methods of one interface are, but a path
         * can repeat across uses (a body's {@code shortcut} use beside a residual's shortcut, two
         * branch blocks named {@code B} and {@code B_1}): an error on the model's use that holds it.
         */
        private boolean namesAreUnique(List<Step> steps) {
            Set<String> names = new HashSet<>();
            boolean unique = true;
            for (Step step : steps) {
                for (LayerNode layer : step.layers()) {
                    if (!names.add(layer.name())) {
                        report.error(step.source(), null, Messages.duplicateLayerName(layer.name()));
                        unique = false;
                    }
                }
            }
            return unique;
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
    }
}
