package dev.lamina.processor.read;

import dev.lamina.processor.ir.SourceRef;
import java.util.List;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.TypeElement;

/**
 * A method that uses blocks, as declared: {@code @Residual}, {@code @Concat} or {@code @Repeat}.
 *
 * @param kind      which annotation
 * @param method    the method's name
 * @param source    the method, the annotation and its explicit values
 * @param blocks    the blocks it names: a residual's body, then its shortcut unless it is the
 *                  identity; a concatenation's branches in order; a repeat's unit
 * @param times     a repeat's number of copies; 1 for the others
 * @param withInput whether a concatenation puts its input first; false for the others
 */
record BlockUse(Kind kind, String method, SourceRef source, List<BlockRef> blocks, int times, boolean withInput)
        implements Member {
    BlockUse {
        blocks = List.copyOf(blocks);
    }

    /** The annotation, by its simple name. */
    enum Kind {
        RESIDUAL("Residual"), CONCAT("Concat"), REPEAT("Repeat");

        private final String annotation;

        Kind(String annotation) {
            this.annotation = annotation;
        }

        /** The annotation's simple name, as messages print it after {@code @}. */
        String annotation() {
            return annotation;
        }
    }

    /**
     * One block named by the annotation.
     *
     * @param type  the interface named by the class literal
     * @param value the class literal, where an error about it goes
     * @param role  what the block is to the use, for messages: "body", "shortcut", "branch 0", "unit"
     */
    record BlockRef(TypeElement type, AnnotationValue value, String role) {}

    /** A residual's body. */
    BlockRef body() {
        return blocks.get(0);
    }

    /** A residual's shortcut, or null for the identity. */
    BlockRef shortcut() {
        return blocks.size() > 1 ? blocks.get(1) : null;
    }
}
