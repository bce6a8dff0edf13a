package dev.lamina.runtime.kernel;

import java.util.Arrays;

/**
 * Max pooling of one plane {@code [H, W]} (one example's channel, NCHW) held in a heap array: the loops of
 * {@link MaxPool2d}'s FLOAT path ({@link MaxPooling}) and of the fused chain that pools a run it has just
 * computed instead of writing it out ({@link BatchNormActivation}). NaN propagates as in PyTorch's
 * {@code max_pool2d} ({@code aten/src/ATen/native/cpu/MaxPoolKernel.cpp}): a window holding NaN pools to
 * NaN and its gradient goes to its last NaN (PyTorch's CPU loop takes a cell when {@code val > max ||
 * isnan(val)}); otherwise to the first maximum in row-major order among ties. Padded cells are never the
 * maximum (they count as negative infinity, as in Keras/TensorFlow and PyTorch).
 *
 * <p>2x2 windows with stride 2 and no padding (the seed network's) take loops with the window unrolled;
 * other geometries rescan each window. Plain Java: Vector API loops for these short rows (13 and 5
 * windows) needed several vector shapes per row, and JDK 17's C2 fell back to boxing them (a heap
 * allocation per vector) once the loops had run on both rows.
 */
final class MaxPoolPlane {
    private MaxPoolPlane() {}

    /** Whether {@code g} on an {@code h x w} plane takes the unrolled 2x2 loops. */
    static boolean isFast2x2(int h, int w, PoolGeometry g) {
        return g.windowHeight() == 2 && g.windowWidth() == 2 && g.strideHeight() == 2 && g.strideWidth() == 2
                && g.isValidFor(h, w);
    }

    /**
     * The plane index of the window's maximum: the last NaN if the window holds one, else the first
     * largest value.
     */
    private static int argMax(float[] x, int xo, int h, int w, PoolGeometry g, int i, int j) {
        int rowFrom = g.firstRow(i), rowTo = g.endRow(i, h);
        int colFrom = g.firstColumn(j), colTo = g.endColumn(j, w);
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
     * @param g the window, stride, padding and output size {@code OH x OW}
     */
    static void forward(float[] x, int xo, int h, int w, PoolGeometry g, float[] y, int yo) {
        int outH = g.outHeight(), outW = g.outWidth();
        if (isFast2x2(h, w, g)) {
            for (int i = 0; i < outH; i++) {
                int top = xo + 2 * i * w, bottom = top + w, out = yo + i * outW;
                for (int j = 0; j < outW; j++) {
                    // Math.max is NaN if either value is.
                    y[out + j] = Math.max(Math.max(x[top + 2 * j], x[top + 2 * j + 1]),
                            Math.max(x[bottom + 2 * j], x[bottom + 2 * j + 1]));
                }
            }
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
     * dy is added, never multiplied, so a NaN or infinite dy reaches only its window's chosen cell.
     *
     * @param x the plane the forward pass pooled, to find each window's maximum again
     * @param g the forward pass's geometry
     */
    static void backward(float[] x, int xo, int h, int w, PoolGeometry g, float[] dy, int dyo, float[] dx, int dxo) {
        int outH = g.outHeight(), outW = g.outWidth();
        if (isFast2x2(h, w, g)) {
            backward2x2(x, xo, h, w, outH, outW, dy, dyo, dx, dxo);
            return;
        }
        Arrays.fill(dx, dxo, dxo + h * w, 0f);
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                dx[dxo + argMax(x, xo, h, w, g, i, j)] += dy[dyo + i * outW + j];
            }
        }
    }

    /**
     * The 2x2 stride-2 backward: the windows tile the plane, so each writes its four cells, dy's bits in the
     * chosen one and 0 in the others. The choice is a one-hot set of int masks (0 or -1) from the four
     * comparisons, not a chain of branches: the comparisons go either way at random, and the branches took
     * 3.4 times as long (13 against 3.8 ms for 128 x 32 planes of 26 x 26, one thread, a throwaway
     * microbenchmark of the two loops). Cells of an odd last row or column belong to no window and get 0.
     */
    private static void backward2x2(float[] x, int xo, int h, int w, int outH, int outW, float[] dy, int dyo,
            float[] dx, int dxo) {
        for (int i = 0; i < outH; i++) {
            int top = 2 * i * w, out = dyo + i * outW;
            for (int j = 0; j < outW; j++) {
                int at = top + 2 * j;
                float a = x[xo + at], b = x[xo + at + 1], c = x[xo + at + w], d = x[xo + at + w + 1];
                float m = Math.max(Math.max(a, b), Math.max(c, d));
                // PyTorch's index: the first maximum, else (m is NaN) the last NaN.
                int pa, pb, pc, pd;
                if (m == m) {
                    pa = ones(a == m);
                    pb = ones(b == m) & ~pa;
                    pc = ones(c == m) & ~(pa | pb);
                    pd = ~(pa | pb | pc);
                } else {
                    pd = ones(d != d);
                    pc = ones(c != c) & ~pd;
                    pb = ones(b != b) & ~(pc | pd);
                    pa = ~(pb | pc | pd);
                }
                int bits = Float.floatToRawIntBits(dy[out + j]);
                dx[dxo + at] = Float.intBitsToFloat(pa & bits);
                dx[dxo + at + 1] = Float.intBitsToFloat(pb & bits);
                dx[dxo + at + w] = Float.intBitsToFloat(pc & bits);
                dx[dxo + at + w + 1] = Float.intBitsToFloat(pd & bits);
            }
        }
        if (2 * outW < w) {
            for (int r = 0; r < 2 * outH; r++) {
                dx[dxo + r * w + w - 1] = 0f;
            }
        }
        Arrays.fill(dx, dxo + 2 * outH * w, dxo + h * w, 0f);
    }

    /** -1 (all bits set) if b, else 0. */
    private static int ones(boolean b) {
        return b ? -1 : 0;
    }
}
