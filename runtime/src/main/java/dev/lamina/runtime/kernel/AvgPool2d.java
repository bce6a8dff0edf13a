package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AvgPool2d over NCHW, square window, no padding: x {@code [N, C, H, W]},
 * y {@code [N, C, (H-size)/stride+1, (W-size)/stride+1]} (floor). Each output is the mean of its
 * size*size window; backward spreads {@code dy / size^2} over the window (overlapping windows add).
 * FLOAT or DOUBLE; inputs are not modified. Runs on libnd4j's {@code avgpool2d(_bp)} ops.
 */
public final class AvgPool2d {
    private AvgPool2d() {}

    /**
     * Forward pass.
     *
     * @param x      input {@code [N, C, H, W]}, FLOAT or DOUBLE
     * @param size   side of the square window, at least 1
     * @param stride step between windows, at least 1
     * @return y {@code [N, C, (H-size)/stride+1, (W-size)/stride+1]}, the mean of each window, a new array
     * @throws IllegalArgumentException if x is not rank 4, size or stride is below 1, or the window
     *     is larger than the input
     */
    public static INDArray forward(INDArray x, int size, int stride) {
        return Pooling.forward("avgpool2d", x, size, stride);
    }

    /**
     * Backward pass.
     *
     * @param x      the forward input {@code [N, C, H, W]}
     * @param y      the forward output (unused: libnd4j's backward op recomputes what it needs from x)
     * @param dy     dL/dy, y's shape
     * @param size   the forward pass's window side
     * @param stride the forward pass's stride
     * @return dL/dx, x's shape, a new array
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, int size, int stride) {
        return Pooling.backward("avgpool2d_bp", x, dy, size, stride);
    }
}
