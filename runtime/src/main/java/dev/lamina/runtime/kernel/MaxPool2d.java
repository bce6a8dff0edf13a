package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MaxPool2d over NCHW: x {@code [N, C, H, W]}. With a square window and no padding,
 * y {@code [N, C, (H-size)/stride+1, (W-size)/stride+1]} (floor: trailing rows and columns that
 * do not fill a window are dropped, as PyTorch's default). Backward routes each dy entry to the
 * position of its window's maximum, the first in row-major order among ties (as PyTorch).
 * FLOAT or DOUBLE; inputs are not modified. Other windows, strides and padding take a
 * {@link PoolGeometry}. Unpadded forward runs on libnd4j's {@code maxpool2d} op, padded forward and
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
        return forward(x, Pooling.square(x, size, stride));
    }

    /**
     * Forward pass with any window, stride and padding; padded cells are never the maximum (they
     * count as negative infinity, as in Keras/TensorFlow and PyTorch).
     *
     * @param x input {@code [N, C, H, W]}, FLOAT or DOUBLE
     * @param g window {@code KH x KW}, stride, padding and output size {@code OH x OW}
     * @return y {@code [N, C, OH, OW]}, the maximum of each window's input cells, a new array
     * @throws IllegalArgumentException if x is not rank 4 or g's windows do not lie on x
     */
    public static INDArray forward(INDArray x, PoolGeometry g) {
        return Pooling.forward("maxpool2d", x, g);
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
        return backward(x, y, dy, Pooling.square(x, size, stride));
    }

    /**
     * Backward pass with any window, stride and padding: each dy entry goes to its window's first
     * maximum in row-major order among the input cells.
     *
     * @param x  the forward input {@code [N, C, H, W]}
     * @param y  the forward output for this x, or null (see
     *     {@link #backward(INDArray, INDArray, INDArray, int, int)})
     * @param dy dL/dy {@code [N, C, OH, OW]}
     * @param g  the forward pass's geometry
     * @return dL/dx, x's shape, a new array
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, PoolGeometry g) {
        return Pooling.maxBackward(x, y, dy, g);
    }
}
