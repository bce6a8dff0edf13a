package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AvgPool2d over NCHW: x {@code [N, C, H, W]}. With a square window and no padding,
 * y {@code [N, C, (H-size)/stride+1, (W-size)/stride+1]} (floor). Each output is the mean of its
 * size*size window; backward spreads {@code dy / size^2} over the window (overlapping windows add).
 * FLOAT or DOUBLE; inputs are not modified. Other windows, strides and padding take a
 * {@link PoolGeometry}; padded cells are left out of each mean (Keras). Unpadded windows run on
 * libnd4j's {@code avgpool2d(_bp)} ops, padded ones in Java.
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
        return forward(x, Pooling.square(x, size, stride));
    }

    /**
     * Forward pass with any window, stride and padding. Padded cells are left out of the mean, as in
     * Keras/TensorFlow {@code padding="same"} (PyTorch's {@code count_include_pad=False}): a window
     * with {@code m} input cells divides their sum by {@code m}, not by {@code KH * KW}.
     *
     * @param x input {@code [N, C, H, W]}, FLOAT or DOUBLE
     * @param g window {@code KH x KW}, stride, padding and output size {@code OH x OW}
     * @return y {@code [N, C, OH, OW]}, the mean of each window's input cells, a new array
     * @throws IllegalArgumentException if x is not rank 4 or g's windows do not lie on x
     */
    public static INDArray forward(INDArray x, PoolGeometry g) {
        return Pooling.forward("avgpool2d", x, g);
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
        return backward(x, y, dy, Pooling.square(x, size, stride));
    }

    /**
     * Backward pass with any window, stride and padding: each dy entry is spread evenly over its
     * window's input cells.
     *
     * @param x  the forward input {@code [N, C, H, W]}
     * @param y  the forward output (unused)
     * @param dy dL/dy {@code [N, C, OH, OW]}
     * @param g  the forward pass's geometry
     * @return dL/dx, x's shape, a new array
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, PoolGeometry g) {
        return Pooling.avgBackward(x, dy, g);
    }
}
