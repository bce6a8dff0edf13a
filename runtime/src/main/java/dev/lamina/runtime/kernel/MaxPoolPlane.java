package dev.lamina.runtime.kernel;

import java.util.Arrays;

/**
 * Max pooling of one plane {@code [H, W]} (one example's channel, NCHW) held in a heap array, for kernels
 * that pool a run they have just computed instead of writing it out ({@link BatchNormActivation}). NaN
 * propagates as in PyTorch's {@code max_pool2d} (and {@link MaxPool2d}): a window holding NaN pools to NaN
 * and its gradient goes to its last NaN (PyTorch's CPU loop takes a cell when {@code val > max ||
 * isnan(val)}); otherwise to the first maximum in row-major order among ties. Padded cells are never the
 * maximum (they count as negative infinity, as in Keras/TensorFlow and PyTorch).
 *
 * <p>2x2 windows with stride 2 and no padding run on {@link FusedLoops}' pooling loops (those of
 * {@link MaxPool2d}); other geometries rescan each window here.
 */
final class MaxPoolPlane {
    private MaxPoolPlane() {}

    /**
     * Extra cells the arrays given to this class need past their plane, row or output runs: the vector
     * loops read and write whole vectors past a row's end ({@link FusedLoops#SLACK}).
     */
    static final int SLACK = FusedLoops.SLACK;

    /** Whether {@code g} on an {@code h x w} plane takes the vectorised 2x2 loops. */
    static boolean isFast2x2(int h, int w, PoolGeometry g) {
        return g.windowHeight() == 2 && g.windowWidth() == 2 && g.strideHeight() == 2 && g.strideWidth() == 2
                && g.isValidFor(h, w);
    }

    /**
     * The plane index of the window's maximum: the last NaN if the window holds one, else the first
     * largest value.
     */
    private static int argMax(float[] x, int xo, int h, int w, PoolGeometry g, int i, int j) {
        int top = i * g.strideHeight() - g.padTop(), left = j * g.strideWidth() - g.padLeft();
        int rowFrom = Math.max(top, 0), rowTo = Math.min(top + g.windowHeight(), h);
        int colFrom = Math.max(left, 0), colTo = Math.min(left + g.windowWidth(), w);
        int best = rowFrom * w + colFrom;
        float max = x[xo + best];
        for (int r = rowFrom; r < rowTo; r++) {
            for (int c = colFrom; c < colTo; c++) {
                float v = x[xo + r * w + c];
                // PyTorch's test (cpu_max_pool): a later NaN replaces an earlier one.
                if (v > max || v != v) {
                    max = v;
                    best = r * w + c;
                }
            }
        }
        return best;
    }

    /**
     * Pools the plane {@code x[xo, xo + h * w)} into {@code y[yo, yo + OH * OW)}.
     *
     * @param g       the window, stride, padding and output size {@code OH x OW}
     * @param scratch at least {@code 2 * OH * OW} floats, overwritten
     */
    static void forward(FusedLoops loops, float[] x, int xo, int h, int w, PoolGeometry g, float[] y, int yo,
            float[] scratch) {
        int outH = g.outHeight(), outW = g.outWidth();
        if (isFast2x2(h, w, g)) {
            // Rows 2i and 2i + 1 into row i of scratch, then the pairs along each row.
            for (int i = 0; i < outH; i++) {
                loops.maxOfRows(x, xo + 2 * i * w, xo + (2 * i + 1) * w, 2 * outW, scratch, 2 * i * outW);
            }
            loops.maxOfPairs(scratch, 0, outH * outW, y, yo);
            return;
        }
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                y[yo + i * outW + j] = x[xo + argMax(x, xo, h, w, g, i, j)];
            }
        }
    }

    /**
     * The pooling's backward over one plane: {@code dx[dxo, dxo + h * w)} is set to the sum of the
     * gradients {@code dy[dyo, dyo + OH * OW)} of the windows whose maximum each cell is (0 for the others).
     * x, y, dy and dx need {@link #SLACK} cells past their runs.
     *
     * @param x the plane the forward pass pooled, to find each window's maximum again
     * @param y the forward pass's output for x, {@code y[yo, yo + OH * OW)}
     * @param g the forward pass's geometry
     */
    static void backward(FusedLoops loops, float[] x, int xo, int h, int w, PoolGeometry g, float[] y, int yo,
            float[] dy, int dyo, float[] dx, int dxo) {
        int outH = g.outHeight(), outW = g.outWidth();
        if (isFast2x2(h, w, g)) {
            // Row pairs in order: what a row pair writes past its lower row, the next one overwrites.
            for (int i = 0; i < outH; i++) {
                int top = 2 * i * w;
                loops.routeToMax2x2(x, xo + top, xo + top + w, y, yo + i * outW, dy, dyo + i * outW, outW, dx,
                        dxo + top, dxo + top + w);
            }
            // An odd last column or row belongs to no window.
            if (2 * outW < w) {
                for (int r = 0; r < 2 * outH; r++) {
                    dx[dxo + r * w + w - 1] = 0f;
                }
            }
            Arrays.fill(dx, dxo + 2 * outH * w, dxo + h * w, 0f);
            return;
        }
        Arrays.fill(dx, dxo, dxo + h * w, 0f);
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                dx[dxo + argMax(x, xo, h, w, g, i, j)] += dy[dyo + i * outW + j];
            }
        }
    }
}
