package dev.lamina.runtime.kernel;

/**
 * Where a 2-D pooling window goes, for one layer: the window's size, its stride, the padding above and
 * to the left of the input, and the output's size (which fixes the padding below and to the right).
 * Built as {@code PoolGeometry.window(2).stride(2).padding(0, 0).output(13, 13)}, or with two arguments
 * per call ({@code window(3, 1).stride(2, 1)}) when the height and width differ. Padded cells never
 * enter a result: max pooling treats them as negative infinity, average pooling leaves them out of
 * the count (Keras/TensorFlow {@code padding="same"}; PyTorch's {@code count_include_pad=False}).
 *
 * @param windowHeight KH, the window's height in rows, at least 1
 * @param windowWidth  KW, the window's width in columns, at least 1
 * @param strideHeight SH, step of the window down the rows, at least 1
 * @param strideWidth  SW, step of the window along the columns, at least 1
 * @param padTop       padded rows above the input, in {@code [0, KH)}
 * @param padLeft      padded columns left of the input, in {@code [0, KW)}
 * @param outHeight    OH, the output's height, at least 1
 * @param outWidth     OW, the output's width, at least 1
 */
public record PoolGeometry(int windowHeight, int windowWidth, int strideHeight, int strideWidth, int padTop,
        int padLeft, int outHeight, int outWidth) {
    /**
     * Checks the arguments on their own; {@link MaxPool2d} and {@link AvgPool2d} check them against
     * the input.
     *
     * @param windowHeight KH
     * @param windowWidth  KW
     * @param strideHeight SH
     * @param strideWidth  SW
     * @param padTop       padded rows above the input
     * @param padLeft      padded columns left of the input
     * @param outHeight    OH
     * @param outWidth     OW
     * @throws IllegalArgumentException if a window side, stride or output size is below 1, or a
     *     padding is negative or not smaller than the window along its axis
     */
    public PoolGeometry {
        if (windowHeight < 1 || windowWidth < 1 || strideHeight < 1 || strideWidth < 1 || outHeight < 1
                || outWidth < 1 || padTop < 0 || padTop >= windowHeight || padLeft < 0 || padLeft >= windowWidth) {
            throw new IllegalArgumentException("window " + windowHeight + "x" + windowWidth + ", stride "
                    + strideHeight + "x" + strideWidth + ", padding " + padTop + "/" + padLeft + ", output "
                    + outHeight + "x" + outWidth + ": window, stride and output sizes must be at least 1,"
                    + " padding at least 0 and smaller than the window");
        }
    }

    /**
     * The start of a geometry: a square window.
     *
     * @param size the window's side, at least 1
     * @return a geometry with this window, a stride of 1, no padding and a 1 x 1 output
     */
    public static PoolGeometry window(int size) {
        return window(size, size);
    }

    /**
     * The start of a geometry: a window of {@code height} rows and {@code width} columns.
     *
     * @param height KH, at least 1
     * @param width  KW, at least 1
     * @return a geometry with this window, a stride of 1, no padding and a 1 x 1 output
     */
    public static PoolGeometry window(int height, int width) {
        return new PoolGeometry(height, width, 1, 1, 0, 0, 1, 1);
    }

    /**
     * This geometry with the same stride on both axes.
     *
     * @param stride step of the window in both directions, at least 1
     * @return this geometry with that stride
     */
    public PoolGeometry stride(int stride) {
        return stride(stride, stride);
    }

    /**
     * This geometry with another stride.
     *
     * @param height SH, at least 1
     * @param width  SW, at least 1
     * @return this geometry with that stride
     */
    public PoolGeometry stride(int height, int width) {
        return new PoolGeometry(windowHeight, windowWidth, height, width, padTop, padLeft, outHeight, outWidth);
    }

    /**
     * This geometry with other padding.
     *
     * @param top  padded rows above the input
     * @param left padded columns left of the input
     * @return this geometry with that padding
     */
    public PoolGeometry padding(int top, int left) {
        return new PoolGeometry(windowHeight, windowWidth, strideHeight, strideWidth, top, left, outHeight,
                outWidth);
    }

    /**
     * This geometry with another output size.
     *
     * @param height OH, at least 1
     * @param width  OW, at least 1
     * @return this geometry with that output size
     */
    public PoolGeometry output(int height, int width) {
        return new PoolGeometry(windowHeight, windowWidth, strideHeight, strideWidth, padTop, padLeft, height,
                width);
    }

    /**
     * The geometry of an unpadded pooling of an {@code h x w} input: {@code OH = floor((h - KH) / SH) + 1},
     * likewise OW (PyTorch's default, trailing rows that do not fill a window are dropped).
     *
     * @param h the input's height, at least KH
     * @param w the input's width, at least KW
     * @return this geometry with no padding and that output size
     * @throws IllegalArgumentException if the window is larger than the input
     */
    PoolGeometry valid(long h, long w) {
        if (h < windowHeight || w < windowWidth) {
            throw new IllegalArgumentException("window " + windowHeight + "x" + windowWidth
                    + " is larger than the input " + h + "x" + w);
        }
        return padding(0, 0).output((int) ((h - windowHeight) / strideHeight + 1),
                (int) ((w - windowWidth) / strideWidth + 1));
    }

    /** The first input row that output row {@code i}'s window covers (padding rows left out). */
    int firstRow(int i) {
        return Math.max(0, i * strideHeight - padTop);
    }

    /** One past the last input row that output row {@code i}'s window covers on an input of height h. */
    int endRow(int i, int h) {
        return Math.min(h, i * strideHeight - padTop + windowHeight);
    }

    /** The first input column that output column {@code j}'s window covers (padding columns left out). */
    int firstColumn(int j) {
        return Math.max(0, j * strideWidth - padLeft);
    }

    /** One past the last input column that output column {@code j}'s window covers on an input of width w. */
    int endColumn(int j, int w) {
        return Math.min(w, j * strideWidth - padLeft + windowWidth);
    }

    /** Whether this geometry reads no padding, as {@link #valid} for an {@code h x w} input gives. */
    boolean isValidFor(long h, long w) {
        return padTop == 0 && padLeft == 0 && h >= windowHeight && w >= windowWidth
                && outHeight == (h - windowHeight) / strideHeight + 1 && outWidth == (w - windowWidth) / strideWidth + 1;
    }
}
