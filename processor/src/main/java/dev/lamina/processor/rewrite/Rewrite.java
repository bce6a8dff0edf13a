package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.ModelIR;

/**
 * One IR-to-IR rewrite that the generated code runs instead of the declared model, each exact for
 * the model's outputs and its parameter gradients (within floating-point rounding), and each named
 * in the generated code by a {@code // rewrite <note>} comment above the layers it changed.
 */
interface Rewrite {
    /** The name that starts every note this rewrite leaves on a node. */
    String name();

    /** The model with this rewrite applied wherever it is exact; {@code model} itself if nowhere. */
    ModelIR apply(ModelIR model);
}
