package dev.lamina.processor.read;

import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.ModelIR;
import java.util.Optional;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;

/**
 * Reads a {@code @Sequential} interface into a {@link ModelIR} whose layers have no shapes yet
 * ({@code input} and {@code output} null). Malformed declarations become errors in the report.
 */
public final class ModelReader {
    private final ProcessingEnvironment env;

    public ModelReader(ProcessingEnvironment env) {
        this.env = env;
    }

    /** The model, or empty when the declaration has errors (all of them reported). */
    public Optional<ModelIR> read(Element element, Report report) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
