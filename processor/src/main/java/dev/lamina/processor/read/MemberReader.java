package dev.lamina.processor.read;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.ir.LayerNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * Reads the abstract methods of a {@code @Sequential} or {@code @Block} interface, in source order
 * ({@link TypeElement#getEnclosedElements()} keeps source order for types read from source), into
 * {@link Member}s, and checks each method's signature and annotations the same way for both.
 */
final class MemberReader {
    private final ReadContext context;
    /** No-argument methods the generated class implements, by name, mapped to their declaring type. */
    private final Map<String, String> reserved;

    /**
     * A reader that reports into {@code context}.
     *
     * @param context  the model's reading state
     * @param reserved method names a member must not take (with the simple name of the type that
     *                 declares each): a model's, whose methods the generated class implements; none
     *                 for a block
     */
    MemberReader(ReadContext context, Map<String, String> reserved) {
        this.context = context;
        this.reserved = reserved;
    }

    /** Whether {@code type} declares any abstract method, well-formed or not. */
    static boolean declaresAbstractMethods(TypeElement type) {
        return ElementFilter.methodsIn(type.getEnclosedElements()).stream()
                .anyMatch(m -> m.getModifiers().contains(Modifier.ABSTRACT));
    }

    /** The well-formed members; every malformed one is reported, or left to javac's own error. */
    List<Member> read(TypeElement type) {
        Set<String> names = new HashSet<>();
        List<Member> members = new ArrayList<>();
        for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
            String name = method.getSimpleName().toString();
            List<AnnotationMirror> layerAnnotations = method.getAnnotationMirrors().stream()
                    .filter(MemberReader::isLayerAnnotation)
                    .<AnnotationMirror>map(a -> a)
                    .toList();
            if (!method.getModifiers().contains(Modifier.ABSTRACT)) {
                if (!layerAnnotations.isEmpty()) {
                    AnnotationMirror first = layerAnnotations.get(0);
                    context.report.add(Diagnostic.Kind.ERROR, Messages.layerOnConcreteMethod(
                            ReadContext.kindOf(first), name, concreteModifier(method)), method, first, null);
                }
                continue;
            }
            if (layerAnnotations.isEmpty()) {
                // Also when javac could not resolve the annotation (it drops it from the element).
                context.report.add(Diagnostic.Kind.ERROR, Messages.noLayerAnnotation(name), method, null, null);
                continue;
            }
            if (layerAnnotations.size() > 1) {
                context.report.add(Diagnostic.Kind.ERROR, Messages.severalLayerAnnotations(name,
                                layerAnnotations.stream().map(ReadContext::kindOf).toList()),
                        method, layerAnnotations.get(1), null);
                continue;
            }
            AnnotationMirror annotation = layerAnnotations.get(0);
            checkSignature(method);
            if (reserved.containsKey(name) && method.getParameters().isEmpty()) {
                context.report.add(Diagnostic.Kind.ERROR,
                        Messages.clashesWithGeneratedMethod(name, reserved.get(name)), method, annotation, null);
            }
            if (!names.add(name)) {
                context.report.add(Diagnostic.Kind.ERROR, Messages.duplicateLayerName(name), method, annotation,
                        null);
            }
            Member member = read(method, annotation);
            if (member != null) {
                members.add(member);
            }
        }
        return members;
    }

    private Member read(ExecutableElement method, AnnotationMirror annotation) {
        if (Messages.BLOCK_USES.contains(ReadContext.kindOf(annotation))) {
            return new BlockUseReader(context, method, annotation).read();
        }
        LayerNode layer = new LayerReader(context, method, annotation).read();
        return layer == null ? null : new Member.Layer(layer);
    }

    private void checkSignature(ExecutableElement method) {
        String name = method.getSimpleName().toString();
        TypeMirror returnType = method.getReturnType();
        if (returnType.getKind() == TypeKind.ERROR) {
            context.markIncomplete();
        } else if (!isLayerType(returnType)) {
            context.report.add(Diagnostic.Kind.ERROR, Messages.wrongReturnType(name, returnType.toString()),
                    method, null, null);
        }
        if (!method.getParameters().isEmpty()) {
            context.report.add(Diagnostic.Kind.ERROR, Messages.hasParameters(name), method, null, null);
        }
        if (!method.getTypeParameters().isEmpty()) {
            context.report.add(Diagnostic.Kind.ERROR, Messages.hasTypeParameters(name), method, null, null);
        }
    }

    private static boolean isLayerType(TypeMirror type) {
        return type.getKind() == TypeKind.DECLARED
                && ((DeclaredType) type).asElement() instanceof TypeElement t
                && t.getQualifiedName().contentEquals(DslNames.LAYER);
    }

    private static boolean isLayerAnnotation(AnnotationMirror annotation) {
        String qualified = ReadContext.qualifiedNameOf(annotation);
        return qualified.startsWith(DslNames.PACKAGE + ".")
                && Messages.LAYER_ANNOTATIONS.contains(qualified.substring(DslNames.PACKAGE.length() + 1));
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
}
