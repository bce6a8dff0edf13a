package dev.lamina.processor.ir;

/**
 * The processor's copy of the DSL's {@code dev.lamina.dsl.Loss}, matched by constant name when a
 * model is read (see {@link dev.lamina.processor.read.DslNames} for why the processor does not load
 * the DSL's enum). A test checks that both list the same constants in the same order.
 */
public enum Loss {
    /** Softmax and cross-entropy fused, on logits; prediction applies softmax. */
    SOFTMAX_CROSS_ENTROPY,
    /** Binary cross-entropy on logits, per unit; prediction applies the sigmoid. */
    SIGMOID_BINARY_CROSS_ENTROPY,
    /** Mean squared error; prediction is the identity. */
    MSE
}
