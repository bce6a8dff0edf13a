package dev.lamina.processor.lint;

import dev.lamina.processor.ir.LayerNode;
import java.util.List;
import java.util.Objects;

/**
 * One match of a rule, before severity and suppression are applied.
 *
 * @param at      the layer the diagnostic is attached to
 * @param member  the annotation member at fault (e.g. {@code "rate"}), or null when the whole layer is
 * @param why     what happens in this model, naming the layers involved (no trailing period)
 * @param fix     what to change in this model, or null to use the rule's generic fix
 * @param related other layers the finding names, for SARIF related locations
 * @param cap     the highest severity this finding may be reported at ({@link Severity#ERROR}: no cap)
 */
public record Finding(LayerNode at, String member, String why, String fix, List<LayerNode> related,
        Severity cap) {
    public Finding {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(why, "why");
        related = List.copyOf(related);
        Objects.requireNonNull(cap, "cap");
    }

    /** A finding on {@code at}, with the rule's generic fix. */
    public static Finding on(LayerNode at, String why) {
        return new Finding(at, null, why, null, List.of(), Severity.ERROR);
    }

    /** The same finding pointing at the value of {@code annotationMember} when the user wrote one. */
    public Finding member(String annotationMember) {
        return new Finding(at, annotationMember, why, fix, related, cap);
    }

    /** The same finding with a fix specific to this model. */
    public Finding fix(String specificFix) {
        return new Finding(at, member, why, specificFix, related, cap);
    }

    /** The same finding also naming {@code layers}. */
    public Finding related(LayerNode... layers) {
        return new Finding(at, member, why, fix, List.of(layers), cap);
    }

    /** The same finding reported at no more than {@code maximum}. */
    public Finding atMost(Severity maximum) {
        return new Finding(at, member, why, fix, related, maximum);
    }
}
