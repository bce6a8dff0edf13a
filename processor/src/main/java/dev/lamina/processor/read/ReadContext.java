package dev.lamina.processor.read;

import dev.lamina.processor.diag.Report;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * What the readers of one model share: javac's element utilities, the model's report, and whether
 * part of the declaration did not resolve. Annotation values are read from mirrors, so no DSL class
 * is loaded (see {@link DslNames}).
 */
final class ReadContext {
    final Elements elements;
    final Report report;
    /**
     * Set when javac could not resolve part of the declaration (an unknown return type or class, an
     * annotation value that is not a constant, a missing member): javac reports that error itself,
     * so we generate nothing and add no noise.
     */
    private boolean incomplete;

    ReadContext(Elements elements, Report report) {
        this.elements = elements;
        this.report = report;
    }

    void markIncomplete() {
        incomplete = true;
    }

    boolean incomplete() {
        return incomplete;
    }

    /** Whether reading stops here: an error was reported, or javac reports one. */
    boolean failed() {
        return incomplete || report.hasErrors();
    }

    /** The annotation's values by member name, defaults included. */
    Map<String, AnnotationValue> valuesWithDefaults(AnnotationMirror annotation) {
        return byMemberName(elements.getElementValuesWithDefaults(annotation));
    }

    static Map<String, AnnotationValue> byMemberName(
            Map<? extends ExecutableElement, ? extends AnnotationValue> values) {
        Map<String, AnnotationValue> byName = new LinkedHashMap<>();
        values.forEach((member, value) -> byName.put(member.getSimpleName().toString(), value));
        return byName;
    }

    /** The annotation of type {@code qualifiedName} on {@code element}, or null. */
    static AnnotationMirror findAnnotation(Element element, String qualifiedName) {
        for (AnnotationMirror a : element.getAnnotationMirrors()) {
            if (qualifiedNameOf(a).equals(qualifiedName)) {
                return a;
            }
        }
        return null;
    }

    /** The annotation's simple name, which for a layer annotation is also its {@code LayerSpec#kind()}. */
    static String kindOf(AnnotationMirror annotation) {
        return annotation.getAnnotationType().asElement().getSimpleName().toString();
    }

    static String qualifiedNameOf(AnnotationMirror annotation) {
        Element type = annotation.getAnnotationType().asElement();
        return type instanceof TypeElement t ? t.getQualifiedName().toString() : "";
    }

    /** "a class", "an enum", ...: what a type is, for messages. */
    static String describe(ElementKind kind) {
        return switch (kind) {
            case CLASS -> "a class";
            case ENUM -> "an enum";
            case ANNOTATION_TYPE -> "an annotation type";
            case RECORD -> "a record";
            case INTERFACE -> "an interface";
            default -> "a " + kind.name().toLowerCase(Locale.ROOT);
        };
    }
}
