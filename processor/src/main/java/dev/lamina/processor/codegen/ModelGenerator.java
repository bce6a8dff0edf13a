package dev.lamina.processor.codegen;

import com.palantir.javapoet.JavaFile;
import dev.lamina.processor.ir.ModelIR;

/** Writes the Java class for a clean, shape-inferred model. */
public final class ModelGenerator {
    private ModelGenerator() {}

    public static JavaFile generate(ModelIR model) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
