package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.ModelIR;

/**
 * One IR-to-IR rewrite that the generated code runs instead of the declared model, each exact for
 * the model's outputs and its parameter gradients (within floating-point rounding), and each leaving
 * a typed {@link dev.lamina.processor.ir.RewriteFact} on the nodes it changed.
 */
interface Rewrite {
    /** The model with this rewrite applied wherever it is exact; {@code model} itself if nowhere. */
    ModelIR apply(ModelIR model);
}
