package dev.lamina.processor.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * {@code @SuppressWarnings("Lamina/<RuleId>")} and {@code @SuppressWarnings("Lamina")} on a layer
 * method or on any element enclosing it (the model interface, a {@code @Block} interface, an outer
 * class), and for a layer inside a block also on the methods that use the block. javac does not
 * check these strings, so IDs that name no rule are looked for here ({@link #unknown}).
 */
public final class Suppressions {
    /** Suppresses every Lamina rule. */
    public static final String ALL = "Lamina";

    private Suppressions() {}

    /** True when {@code element} or an element enclosing it suppresses {@code ruleId}. */
    public static boolean suppresses(Element element, String ruleId) {
        for (Element e = element; e != null && !(e instanceof PackageElement); e = e.getEnclosingElement()) {
            SuppressWarnings sw = e.getAnnotation(SuppressWarnings.class);
            if (sw == null) {
                continue;
            }
            for (String value : sw.value()) {
                if (value.equals(ALL) || value.equals(LintRules.PREFIX + ruleId)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * True when one of {@code elements} (a layer method, the methods that use the block it is
     * declared in) or an element enclosing one of them suppresses {@code ruleId}.
     */
    public static boolean suppressesAny(List<? extends Element> elements, String ruleId) {
        return elements.stream().anyMatch(e -> suppresses(e, ruleId));
    }

    /** A {@code Lamina/...} string in a {@code @SuppressWarnings} that names no rule. */
    public record Unknown(String text, Element element, AnnotationMirror annotation, AnnotationValue value) {}

    /** Unknown {@code Lamina/...} IDs on {@code model} and its methods. */
    public static List<Unknown> unknown(TypeElement model, Set<String> knownIds) {
        List<Unknown> unknown = new ArrayList<>();
        collect(model, knownIds, unknown);
        for (Element enclosed : model.getEnclosedElements()) {
            if (enclosed instanceof ExecutableElement) {
                collect(enclosed, knownIds, unknown);
            }
        }
        return unknown;
    }

    private static void collect(Element element, Set<String> knownIds, List<Unknown> out) {
        SuppressWarnings sw = element.getAnnotation(SuppressWarnings.class);
        if (sw == null) {
            return;
        }
        for (String text : sw.value()) {
            if (text.startsWith(LintRules.PREFIX) && !knownIds.contains(text.substring(LintRules.PREFIX.length()))) {
                AnnotationMirror mirror = mirrorOf(element);
                out.add(new Unknown(text, element, mirror, mirror == null ? null : valueOf(mirror)));
            }
        }
    }

    private static AnnotationMirror mirrorOf(Element element) {
        for (AnnotationMirror m : element.getAnnotationMirrors()) {
            if (m.getAnnotationType().toString().equals(SuppressWarnings.class.getName())) {
                return m;
            }
        }
        return null;
    }

    private static AnnotationValue valueOf(AnnotationMirror mirror) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : mirror.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals("value")) {
                return e.getValue();
            }
        }
        return null;
    }
}
