package dev.lamina.dsl;

/** How a convolution treats the border of its input. */
public enum Padding {
    /** No padding: output size {@code floor((in - kernel) / stride) + 1}. */
    VALID,
    /**
     * Zero padding so that output size is {@code ceil(in / stride)}, as in Keras/TensorFlow
     * {@code padding="same"}; when the total padding is odd, the extra row/column goes at the
     * bottom/right.
     */
    SAME
}
