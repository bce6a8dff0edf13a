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
     * @throws IllegalArgumentException if x is not rank 4, size or stride is below 1, or the window
     *     is larger than the input
     */
    public static INDArray forward(INDArray x, int size, int stride) {
        return Pooling.forward("maxpool2d", x, size, stride);
    }

    /**
     * Returns dL/dx, same shape as x.
     *
     * @param y the forward output for this x, used to locate each window's maximum; may be null, in
     *     which case the windows are rescanned (slower)
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, int size, int stride) {
        return Pooling.maxBackward(x, y, dy, size, stride);
    }
}
