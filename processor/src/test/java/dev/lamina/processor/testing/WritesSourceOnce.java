package dev.lamina.processor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.TypeElement;

/**
 * Another processor: in its first round it writes one source file through the Filer, as a
 * generator running beside Lamina would; later rounds do nothing. Claims no annotation.
 */
public final class WritesSourceOnce extends AnyAnnotationProcessor {
    private final String typeName;
    private final String source;
    private boolean written;

    /** Writes {@code source} as the type {@code typeName} (qualified). */
    public WritesSourceOnce(String typeName, String source) {
        this.typeName = typeName;
        this.source = source;
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (!written) {
            written = true;
            try (Writer w = processingEnv.getFiler().createSourceFile(typeName).openWriter()) {
                w.write(source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }
}
