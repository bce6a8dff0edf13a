package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MaxPool2d over NCHW: x {@code [N, C, H, W]}. With a square window and no padding,
 * y {@code [N, C, (H-size)/stride+1, (W-size)/stride+1]} (floor: trailing rows and columns that
 * do not fill a window are dropped, as PyTorch's default). Other windows, strides and padding take a
 * {@link PoolGeometry}. FLOAT or DOUBLE; inputs are not modified.
 *
 * <p>NaN propagates as in PyTorch's {@code max_pool2d} (its CPU kernel,
 * {@code aten/src/ATen/native/cpu/MaxPoolKernel.cpp}): a window's maximum is NaN if any of its input
 * cells is NaN. Backward routes each dy entry to the one cell PyTorch's returned index names: the first
 * maximum in row-major order (ties go to the first), or, in a window with NaN, its last NaN (PyTorch takes
 * a cell when it is greater than the maximum so far or is NaN). dy is routed, never multiplied: a NaN dy
 * reaches only its window's chosen cell.
 *
 * <p>Both passes run in Java (libnd4j's and oneDNN's {@code maxpool2d} drop NaN): FLOAT 2x2 windows with
 * stride 2 and no padding on loops with the window unrolled, the rest rescanning each window; both
 * parallel over the N*C planes.
 */
public final class MaxPool2d {
    private MaxPool2d() {}

    /**
     * Forward pass.
     *
     * @param x      input {@code [N, C, H, W]}, FLOAT or DOUBLE
     * @param size   side of the square window, at least 1
     * @param stride step between windows, at least 1
     * @return y {@code [N, C, (H-size)/stride+1, (W-size)/stride+1]}, the maximum of each window (NaN if it
     *     holds a NaN), a new array
     * @throws IllegalArgumentException if x is not rank 4, size or stride is below 1, or the window
     *     is larger than the input
     */
    public static INDArray forward(INDArray x, int size, int stride) {
        return forward(x, Pooling.square(x, size, stride));
    }

    /**
     * Forward pass with any window, stride and padding; padded cells are never the maximum (they
     * count as negative infinity, as in Keras/TensorFlow and PyTorch); a window with a NaN input cell
     * gives NaN.
     *
     * @param x input {@code [N, C, H, W]}, FLOAT or DOUBLE
     * @param g window {@code KH x KW}, stride, padding and output size {@code OH x OW}
     * @return y {@code [N, C, OH, OW]}, the maximum of each window's input cells, a new array
     * @throws IllegalArgumentException if x is not rank 4 or g's windows do not lie on x
     */
    public static INDArray forward(INDArray x, PoolGeometry g) {
        return MaxPooling.forward(x, g);
    }

    /**
     * Backward pass: each dy entry goes to its window's first maximum, or its last NaN (see above).
     *
     * @param x      the forward input {@code [N, C, H, W]}
     * @param y      the forward output for this x, used to locate each window's maximum; may be null, in
     *     which case the windows are rescanned (slower)
     * @param dy     dL/dy, y's shape
     * @param size   the forward pass's window side
     * @param stride the forward pass's stride
     * @return dL/dx, x's shape, a new array
     * @throws IllegalArgumentException if the shapes or types do not fit together
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, int size, int stride) {
        return backward(x, y, dy, Pooling.square(x, size, stride));
    }

    /**
     * Backward pass with any window, stride and padding: each dy entry goes to its window's first
     * maximum in row-major order among the input cells, or to its last NaN; overlapping windows add up.
     *
     * @param x  the forward input {@code [N, C, H, W]}
     * @param y  the forward output for this x, or null (see
     *     {@link #backward(INDArray, INDArray, INDArray, int, int)})
     * @param dy dL/dy {@code [N, C, OH, OW]}
     * @param g  the forward pass's geometry
     * @return dL/dx, x's shape, a new array
     * @throws IllegalArgumentException if the shapes or types do not fit together
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, PoolGeometry g) {
        return MaxPooling.backward(x, y, dy, g);
    }
}
