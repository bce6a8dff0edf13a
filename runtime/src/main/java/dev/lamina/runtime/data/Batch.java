package dev.lamina.runtime.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch.
 *
 * @param features {@code [B, ...]} examples, same trailing shape as the dataset's features
 * @param labels   one-hot targets {@code [B, K]}
 */
public record Batch(INDArray features, INDArray labels) {
    /** {@return the number of examples {@code B}} */
    public int size() {
        return (int) features.size(0);
    }
}
