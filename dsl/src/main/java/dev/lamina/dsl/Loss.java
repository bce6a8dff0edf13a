package dev.lamina.dsl;

/**
 * Training objectives. Each consumes the last layer's raw output; prediction applies the matching
 * output activation.
 */
public enum Loss {
    /**
     * Multi-class cross-entropy on logits, averaged over the batch: softmax and negative log
     * likelihood fused into one numerically stable step, like PyTorch's {@code CrossEntropyLoss}.
     * Targets are one-hot rows {@code [N, K]}. Prediction applies softmax.
     */
    SOFTMAX_CROSS_ENTROPY,

    /**
     * Binary cross-entropy on logits, per unit, averaged over batch and units, like PyTorch's
     * {@code BCEWithLogitsLoss}. Targets are in [0, 1], shape {@code [N, K]}. Prediction applies the
     * logistic sigmoid.
     */
    SIGMOID_BINARY_CROSS_ENTROPY,

    /**
     * Mean squared error averaged over batch and units, like PyTorch's {@code MSELoss}. Prediction
     * is the identity.
     */
    MSE
}
