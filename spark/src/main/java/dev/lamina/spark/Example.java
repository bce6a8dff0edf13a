package dev.lamina.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled training example, the element of the {@code JavaRDD} that {@link SparkTrainer} trains on.
 *
 * @param features the example's input flattened in row-major (C) order: {@code prod(model.inputShape())}
 *                 values (MNIST: the 784 pixels of {@code [1, 28, 28]}, NCHW)
 * @param label    the class, in {@code [0, K)} with {@code [K] = model.outputShape()}
 * @serial exclude Spark's transport between driver and executors of one version, not a storage format
 */
public record Example(float[] features, int label) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Checks the arguments; keeps {@code features} without copying (an RDD holds many).
     *
     * @param features the flattened input
     * @param label    the class, >= 0
     * @throws NullPointerException     if {@code features} is null
     * @throws IllegalArgumentException if {@code label} is negative
     */
    public Example {
        Objects.requireNonNull(features, "features");
        if (label < 0) {
            throw new IllegalArgumentException("label must be a class index >= 0, found " + label);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Example e && label == e.label && Arrays.equals(features, e.features);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(features) + label;
    }

    @Override
    public String toString() {
        return "Example[" + features.length + " features, label " + label + "]";
    }
}
