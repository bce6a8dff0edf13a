package dev.lamina.spark;

import java.io.Serializable;

/**
 * The sum over partitions of example-weighted gradients and BatchNorm buffers of one step, combined by
 * {@code treeAggregate}: each partition adds {@code n * g} and {@code n * b} for its {@code n} examples,
 * so that dividing by {@link #examples} gives the gradient of the mean loss over the concatenated batch
 * and the example-weighted mean of the buffers. Arrays are in the model's parameter and buffer order,
 * each flattened in C order; both are null while nothing has been added.
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    float[][] gradients;
    float[][] buffers;
    long examples;
    double lossSum;
    long correct;
    /** The lowest step whose loss was not finite in some partition, or -1. */
    long divergedAt = -1;

    /** Adds {@code other} into this sum and returns this (Spark's combine operations may reuse the left side). */
    GradientSum add(GradientSum other) {
        if (other.divergedAt >= 0) {
            divergedAt = divergedAt < 0 ? other.divergedAt : Math.min(divergedAt, other.divergedAt);
        }
        examples += other.examples;
        lossSum += other.lossSum;
        correct += other.correct;
        if (other.gradients == null) {
            return this;
        }
        if (gradients == null) {
            gradients = other.gradients;
            buffers = other.buffers;
            return this;
        }
        addInto(gradients, other.gradients);
        addInto(buffers, other.buffers);
        return this;
    }

    private static void addInto(float[][] into, float[][] from) {
        for (int i = 0; i < into.length; i++) {
            float[] a = into[i];
            float[] b = from[i];
            for (int j = 0; j < a.length; j++) {
                a[j] += b[j];
            }
        }
    }
}
