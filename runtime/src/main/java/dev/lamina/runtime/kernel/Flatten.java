package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code [N, C, H, W]} to {@code [N, C*H*W]} in C order, and back. */
public final class Flatten {
    private Flatten() {}

    public static INDArray forward(INDArray x) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Reshapes dy back to x's shape. */
    public static INDArray backward(INDArray x, INDArray dy) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
