package dev.lamina.spark;

import dev.lamina.runtime.model.Model;
import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every task of a run shares: the run's identity (for the per-JVM tensor cache of
 * {@link Shard#dataset}), its seed, batch size and number of classes.
 *
 * @param id         unique per {@code fit} call
 * @param seed       the run's seed
 * @param batchSize  examples per step and partition
 * @param numClasses {@code K}, the model's output width
 */
record RunSettings(String id, long seed, int batchSize, int numClasses) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The seed of partition {@code partition}'s shuffles and dropout masks: the run's seed for partition
     * 0 (so that one partition trains exactly as {@code Trainer} does), shifted by a multiple of the
     * golden-ratio constant of SplitMix64 for the others, so that no two partitions share masks.
     */
    long partitionSeed(int partition) {
        return seed + partition * 0x9E3779B97F4A7C15L;
    }

    /** Floating-point features in the model's type (as the single-machine trainer casts them). */
    static INDArray castTo(INDArray array, Model model) {
        return array.dataType() == model.dataType() || !array.dataType().isFPType() ? array
                : array.castTo(model.dataType());
    }
}
