package dev.lamina.processor.ir;

import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Where a layer was declared, so that diagnostics land on the exact source: the layer method, its
 * layer annotation and, per member name, the annotation value the user wrote. Absent in IR built by
 * hand in tests ({@link #NONE}).
 *
 * @param element    the layer method, or null
 * @param annotation the layer annotation on it, or null
 * @param values     explicitly written annotation values by member name (defaults are absent)
 */
public record SourceRef(Element element, AnnotationMirror annotation, Map<String, AnnotationValue> values) {
    public static final SourceRef NONE = new SourceRef(null, null, Map.of());

    public SourceRef {
        values = Map.copyOf(values);
    }

    /** The value written for {@code member}, if the user wrote one. */
    public Optional<AnnotationValue> value(String member) {
        return Optional.ofNullable(values.get(member));
    }
}
