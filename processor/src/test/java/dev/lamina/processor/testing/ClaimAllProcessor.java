package dev.lamina.processor.testing;

import java.util.Set;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.TypeElement;

/**
 * Claims every annotation and does nothing. Run after {@code LaminaProcessor} (which claims none),
 * it keeps {@code -Xlint:processing} quiet about unclaimed annotations ({@code @Sequential}, the
 * layer annotations, {@code @Generated}), so that {@code -Xlint:all -Werror} judges only the code.
 */
public final class ClaimAllProcessor extends AnyAnnotationProcessor {
    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return true;
    }
}
