package dev.lamina.runtime.kernel;

/**
 * Max pooling of one plane {@code [H, W]} (one example's channel, NCHW) held in a heap array, for kernels
 * that pool a run they have just computed instead of writing it out ({@link BatchNormActivation}). NaN
 * propagates as in PyTorch's {@code max_pool2d}: a window holding NaN pools to NaN and its gradient goes
 * to its last NaN (PyTorch's CPU loop takes a cell when {@code val > max || isnan(val)}); otherwise to the first maximum in row-major order among ties. Padded cells are never
 * the maximum (they count as negative infinity, as in Keras/TensorFlow and PyTorch).
 */
final class MaxPoolPlane {
    private MaxPoolPlane() {}

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
     * @param g the window, stride, padding and output size {@code OH x OW}
     */
    static void forward(float[] x, int xo, int h, int w, PoolGeometry g, float[] y, int yo) {
        int outW = g.outWidth();
        for (int i = 0; i < g.outHeight(); i++) {
            for (int j = 0; j < outW; j++) {
                y[yo + i * outW + j] = x[xo + argMax(x, xo, h, w, g, i, j)];
            }
        }
    }

    /**
     * The pooling's backward over one plane: {@code dx[dxo, dxo + h * w)} is set to the sum of the
     * gradients {@code dy[dyo, dyo + OH * OW)} of the windows whose maximum each cell is (0 for the others).
     *
     * @param x the plane the forward pass pooled, to find each window's maximum again
     * @param g the forward pass's geometry
     */
    static void backward(float[] x, int xo, int h, int w, PoolGeometry g, float[] dy, int dyo, float[] dx, int dxo) {
        java.util.Arrays.fill(dx, dxo, dxo + h * w, 0f);
        int outW = g.outWidth();
        for (int i = 0; i < g.outHeight(); i++) {
            for (int j = 0; j < outW; j++) {
                dx[dxo + argMax(x, xo, h, w, g, i, j)] += dy[dyo + i * outW + j];
            }
        }
    }
}
