package dev.lamina.processor.testing;

import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * Claims every annotation and does nothing. Run after {@code LaminaProcessor} (which claims none),
 * it keeps {@code -Xlint:processing} quiet about unclaimed annotations ({@code @Sequential}, the
 * layer annotations, {@code @Generated}), so that {@code -Xlint:all -Werror} judges only the code.
 */
public final class ClaimAllProcessor extends AbstractProcessor {
    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return true;
    }
}
