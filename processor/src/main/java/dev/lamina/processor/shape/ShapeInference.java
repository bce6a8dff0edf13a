package dev.lamina.processor.shape;

import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.ModelIR;
import java.util.Optional;

/** Infers every layer's input and output shape; impossible shapes are errors on the layer. */
public final class ShapeInference {
    private ShapeInference() {}

    /** The model with shapes filled in, or empty when some shape is impossible (reported). */
    public static Optional<ModelIR> infer(ModelIR model, Report report) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
