package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Softmax over axis 1 of {@code [N, F]}, numerically stable (max subtracted). */
public final class Softmax {
    private Softmax() {}

    public static INDArray forward(INDArray x) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@code dx = y * (dy - sum_j dy_j y_j)} per row. */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
