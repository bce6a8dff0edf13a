package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MaxPool2d over NCHW, square window, no padding: x {@code [N, C, H, W]},
 * y {@code [N, C, (H-size)/stride+1, (W-size)/stride+1]} (floor: trailing rows and columns that
 * do not fill a window are dropped, as PyTorch's default). Backward routes each dy entry to the
 * position of its window's maximum, the first in row-major order among ties (as PyTorch).
 * FLOAT or DOUBLE; inputs are not modified. Forward runs on libnd4j's {@code maxpool2d} op,
 * backward in Java.
 */
public final class MaxPool2d {
    private MaxPool2d() {}

    /**
     * Forward pass.
     *
     * @param x      input {@code [N, C, H, W]}, FLOAT or DOUBLE
     * @param size   side of the square window, at least 1
     * @param stride step between windows, at least 1
     * @return y {@code [N, C, (H-size)/stride+1, (W-size)/stride+1]}, the maximum of each window, a new array
     * @throws IllegalArgumentException if x is not rank 4, size or stride is below 1, or the window
     *     is larger than the input
     */
    public static INDArray forward(INDArray x, int size, int stride) {
        return Pooling.forward("maxpool2d", x, size, stride);
    }

    /**
     * Backward pass.
     *
     * @param x      the forward input {@code [N, C, H, W]}
     * @param y      the forward output for this x, used to locate each window's maximum; may be null, in
     *     which case the windows are rescanned (slower)
     * @param dy     dL/dy, y's shape
     * @param size   the forward pass's window side
     * @param stride the forward pass's stride
     * @return dL/dx, x's shape, a new array
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, int size, int stride) {
        return Pooling.maxBackward(x, y, dy, size, stride);
    }
}
