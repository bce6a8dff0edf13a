package dev.lamina.dsl;

/**
 * How a convolution or a pooling treats the border of its input, as Keras' {@code padding="valid"}
 * and {@code padding="same"}.
 */
public enum Padding {
    /** No padding: output size {@code floor((in - kernel) / stride) + 1} per axis. */
    VALID,
    /**
     * Padding so that output size is {@code ceil(in / stride)} per axis, as in Keras/TensorFlow
     * {@code padding="same"}; when the total padding is odd, the extra row/column goes at the
     * bottom/right. A convolution pads with zeros; a pooling leaves padded cells out (see
     * {@link MaxPool2d} and {@link AvgPool2d}).
     */
    SAME
}
