package dev.lamina.runtime.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch.
 *
 * @param features {@code [B, ...]} examples, same trailing shape as the dataset's features
 * @param labels   the batch's rows of the dataset's labels: one-hot {@code [B, K]}, class ids {@code [B, T]}
 *                 or regression targets {@code [B, K]}
 */
public record Batch(INDArray features, INDArray labels) {
    /** {@return the number of examples {@code B}} */
    public int size() {
        return (int) features.size(0);
    }
}
