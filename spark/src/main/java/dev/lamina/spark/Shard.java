package dev.lamina.spark;

import dev.lamina.runtime.data.Dataset;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The examples of one partition as a single block, in the partition's order: what the training RDD
 * holds (one element per partition, cached), so that a round does not convert rows again.
 *
 * @param partition the partition's index
 * @param features  {@code size * width} values, example after example
 * @param labels    the class of each example
 * @param width     values per example, {@code prod(inputShape)}
 */
record Shard(int partition, float[] features, int[] labels, int width) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Converted tensors of the shards this JVM trains on, for the current run only (see {@link #dataset}). */
    private static final Map<String, Dataset> TENSORS = new ConcurrentHashMap<>();

    /**
     * Collects a partition's examples, checking that each has {@code width} features and a class below
     * {@code numClasses}.
     *
     * @throws IllegalArgumentException naming the partition and example that does not fit
     */
    static Shard of(int partition, Iterator<Example> examples, int width, int numClasses) {
        List<Example> all = new ArrayList<>();
        examples.forEachRemaining(all::add);
        float[] features = new float[Math.multiplyExact(all.size(), width)];
        int[] labels = new int[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Example e = all.get(i);
            if (e.features().length != width) {
                throw new IllegalArgumentException("example " + i + " of partition " + partition + " has "
                        + e.features().length + " features, but the model takes " + width);
            }
            if (e.label() >= numClasses) {
                throw new IllegalArgumentException("example " + i + " of partition " + partition + " has label "
                        + e.label() + ", but the model has " + numClasses + " classes");
            }
            System.arraycopy(e.features(), 0, features, i * width, width);
            labels[i] = e.label();
        }
        return new Shard(partition, features, labels, width);
    }

    int size() {
        return labels.length;
    }

    /** {@return the batches of an epoch over {@code size} examples in batches of {@code batchSize}} */
    static int batchCount(int size, int batchSize) {
        return (size + batchSize - 1) / batchSize;
    }

    /**
     * The shard as a runtime dataset, features {@code [size, ...inputShape]} FLOAT and one-hot labels,
     * converted once per run and JVM: the tensors of run {@code run} are kept until a task of another
     * run asks, which drops them.
     */
    Dataset dataset(String run, int[] inputShape, int numClasses) {
        String key = run + "/" + partition;
        Dataset cached = TENSORS.get(key);
        if (cached != null) {
            return cached;
        }
        TENSORS.keySet().removeIf(k -> !k.startsWith(run + "/"));
        long[] shape = new long[inputShape.length + 1];
        shape[0] = size();
        for (int d = 0; d < inputShape.length; d++) {
            shape[d + 1] = inputShape[d];
        }
        INDArray x = Nd4j.create(features, shape, 'c');
        Dataset dataset = Dataset.of(x, labels.clone(), numClasses);
        TENSORS.put(key, dataset);
        return dataset;
    }

    /**
     * Drops the tensors of run {@code run} from this JVM: the driver's at the end of a run (in local
     * mode, the executors' too); a cluster's executors drop theirs when the next run's first task comes.
     */
    static void forget(String run) {
        TENSORS.keySet().removeIf(k -> k.startsWith(run + "/"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shard s && partition == s.partition && width == s.width
                && Arrays.equals(features, s.features) && Arrays.equals(labels, s.labels);
    }

    @Override
    public int hashCode() {
        return 31 * partition + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "Shard[partition " + partition + ", " + size() + " examples of " + width + " features]";
    }
}
