package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Java loops of {@link MaxPool2d}, NaN-propagating as PyTorch's {@code max_pool2d}
 * ({@code aten/src/ATen/native/cpu/MaxPoolKernel.cpp}): a window's maximum is NaN if any of its cells
 * is, and its gradient goes to the cell PyTorch's index names, the first maximum in row-major order, or
 * the last NaN if the window has one (PyTorch takes a cell when it is greater than the maximum so far or
 * NaN). libnd4j's and oneDNN's max pooling drop NaN instead (a window with a NaN pools to its finite
 * maximum), which turned NaN inputs or weights into finite, confident outputs.
 *
 * <p>FLOAT 2x2 windows with stride 2 and no padding (the seed network's) run on {@link FusedLoops}: a
 * block of N*C planes is copied to heap arrays ({@link Staging}), pooled by rows (vertical maximum, then
 * horizontal pairs) and, backward, each window's gradient is placed by comparing its cells with y, a row
 * of windows at a time, then copied back. Every other case (other windows, strides, padding, DOUBLE,
 * backward without y) runs on one loop over heap {@code double[]} copies ({@link Rows}), which rescans
 * each window backward. Both are parallel over blocks of planes ({@link Parallel}).
 */
final class MaxPooling {
    private MaxPooling() {}

    /** Planes per block: a block's staging arrays stay in the first levels of cache. */
    private static int planesPerBlock(int planeSize) {
        return Math.max(1, 8192 / planeSize);
    }

    /** Whether g is the 2x2, stride 2, unpadded pooling that {@link FusedLoops} runs, for FLOAT x. */
    static boolean isFast2x2(INDArray x, PoolGeometry g) {
        return x.dataType() == DataType.FLOAT && g.windowHeight() == 2 && g.windowWidth() == 2
                && g.strideHeight() == 2 && g.strideWidth() == 2 && g.isValidFor(x.size(2), x.size(3));
    }

    static INDArray forward(INDArray x, PoolGeometry g) {
        Pooling.check(x, g);
        INDArray xc = Support.denseC(x);
        INDArray y = Support.newArray(x.dataType(), x.size(0), x.size(1), g.outHeight(), g.outWidth());
        if (isFast2x2(x, g)) {
            forward2x2(xc, y, g);
        } else {
            planes(xc, null, y, g);
        }
        return y;
    }

    static INDArray backward(INDArray x, INDArray y, INDArray dy, PoolGeometry g) {
        Pooling.checkBackward(x, dy, g);
        if (y != null) {
            Support.checkSameShape(dy, "dy", y, "y");
            Support.checkSameType(x, y, "y");
        }
        INDArray dx = Support.newLike(x);
        if (y != null && isFast2x2(x, g)) {
            backward2x2(Support.denseC(x), Support.denseC(y), Support.denseC(dy), dx, g);
        } else {
            planes(Support.denseC(x), Support.denseC(dy), dx, g);
        }
        return dx;
    }

    private static void forward2x2(INDArray x, INDArray y, PoolGeometry g) {
        int h = (int) x.size(2), w = (int) x.size(3), outH = g.outHeight(), outW = g.outWidth();
        int planes = (int) (x.size(0) * x.size(1)), plane = h * w, outPlane = outH * outW;
        int per = planesPerBlock(plane), blocks = (planes + per - 1) / per;
        FloatBuffer xb = x.data().asNioFloat(), yb = y.data().asNioFloat();
        int xo = (int) x.offset(), yo = (int) y.offset();
        FusedLoops loops = FusedLoops.get();
        Parallel.forRange(blocks, x.length(), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int p0 = blk * per, n = Math.min(planes, p0 + per) - p0;
                float[] xs = Staging.floats(0, n * plane);
                float[] rows = Staging.floats(1, n * outPlane * 2);
                float[] ys = Staging.floats(2, n * outPlane);
                xb.get(xo + p0 * plane, xs, 0, n * plane);
                // Rows 2i and 2i+1 of each plane into row i of `rows`, 2 * OW cells (a last odd column is dropped).
                for (int p = 0; p < n; p++) {
                    for (int i = 0; i < outH; i++) {
                        int top = p * plane + 2 * i * w;
                        loops.maxOfRows(xs, top, top + w, 2 * outW, rows, (p * outH + i) * 2 * outW);
                    }
                }
                loops.maxOfPairs(rows, 0, n * outPlane, ys, 0);
                yb.put(yo + p0 * outPlane, ys, 0, n * outPlane);
            }
        });
    }

    private static void backward2x2(INDArray x, INDArray y, INDArray dy, INDArray dx, PoolGeometry g) {
        int h = (int) x.size(2), w = (int) x.size(3), outH = g.outHeight(), outW = g.outWidth();
        int planes = (int) (x.size(0) * x.size(1)), plane = h * w, outPlane = outH * outW;
        int per = planesPerBlock(plane), blocks = (planes + per - 1) / per;
        FloatBuffer xb = x.data().asNioFloat(), yb = y.data().asNioFloat(), gb = dy.data().asNioFloat();
        FloatBuffer db = dx.data().asNioFloat();
        int xo = (int) x.offset(), yo = (int) y.offset(), go = (int) dy.offset(), dxo = (int) dx.offset();
        FusedLoops loops = FusedLoops.get();
        Parallel.forRange(blocks, 2 * x.length(), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int p0 = blk * per, n = Math.min(planes, p0 + per) - p0, windows = n * outPlane;
                // SLACK: the vector loops read and write whole vectors past a row's end.
                float[] xs = Staging.floats(0, n * plane + FusedLoops.SLACK);
                float[] ys = Staging.floats(1, windows + FusedLoops.SLACK);
                float[] gs = Staging.floats(2, windows + FusedLoops.SLACK);
                float[] dxs = Staging.floats(3, n * plane + FusedLoops.SLACK);
                xb.get(xo + p0 * plane, xs, 0, n * plane);
                yb.get(yo + p0 * outPlane, ys, 0, windows);
                gb.get(go + p0 * outPlane, gs, 0, windows);
                // Row pairs in order: what a row pair writes past its lower row, the next one overwrites.
                for (int p = 0; p < n; p++) {
                    for (int i = 0; i < outH; i++) {
                        int top = p * plane + 2 * i * w, k = p * outPlane + i * outW;
                        loops.routeToMax2x2(xs, top, top + w, ys, k, gs, k, outW, dxs, top, top + w);
                    }
                }
                // An odd last column or row belongs to no window.
                if (2 * outW < w) {
                    for (int r = 0; r < n * h; r++) {
                        dxs[r * w + w - 1] = 0f;
                    }
                }
                if (2 * outH < h) {
                    for (int p = 0; p < n; p++) {
                        Arrays.fill(dxs, p * plane + (h - 1) * w, (p + 1) * plane, 0f);
                    }
                }
                db.put(dxo + p0 * plane, dxs, 0, n * plane);
            }
        });
    }

    /**
     * Any geometry, FLOAT or DOUBLE, in double over blocks of planes: forward ({@code dy == null}: out = y)
     * or backward (out = dx, each window's dy added to the cell PyTorch's index names, found by a rescan).
     * Padded cells are left out (never the maximum).
     */
    private static void planes(INDArray x, INDArray dy, INDArray out, PoolGeometry g) {
        int h = (int) x.size(2), w = (int) x.size(3), outH = g.outHeight(), outW = g.outWidth();
        int kh = g.windowHeight(), kw = g.windowWidth(), sh = g.strideHeight(), sw = g.strideWidth();
        int padTop = g.padTop(), padLeft = g.padLeft();
        int planes = (int) (x.size(0) * x.size(1)), plane = h * w, outPlane = outH * outW;
        int per = planesPerBlock(plane), blocks = (planes + per - 1) / per;
        boolean forward = dy == null;
        int outSize = forward ? outPlane : plane;
        Buffer xb = Segments.buffer(x), ob = Segments.buffer(out), gb = forward ? null : Segments.buffer(dy);
        int xo = (int) x.offset(), oo = (int) out.offset(), go = forward ? 0 : (int) dy.offset();
        Parallel.forRange(blocks, forward ? x.length() : 2 * x.length(), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int p0 = blk * per, n = Math.min(planes, p0 + per) - p0;
                double[] v = Rows.read(xb, xo + p0 * plane, n * plane, 0);
                double[] grad = forward ? null : Rows.read(gb, go + p0 * outPlane, n * outPlane, 1);
                double[] res = Staging.doubles(2, n * outSize);
                if (!forward) {
                    Arrays.fill(res, 0, n * outSize, 0.0);
                }
                for (int p = 0; p < n; p++) {
                    int vp = p * plane;
                    for (int i = 0; i < outH; i++) {
                        int r0 = Math.max(0, i * sh - padTop), r1 = Math.min(h, i * sh - padTop + kh);
                        for (int j = 0; j < outW; j++) {
                            int c0 = Math.max(0, j * sw - padLeft), c1 = Math.min(w, j * sw - padLeft + kw);
                            int k = p * outPlane + i * outW + j;
                            if (forward) {
                                double max = Double.NEGATIVE_INFINITY;
                                for (int r = r0; r < r1; r++) {
                                    for (int c = c0; c < c1; c++) {
                                        max = Math.max(max, v[vp + r * w + c]);
                                    }
                                }
                                res[k] = max;
                            } else {
                                // PyTorch's index: the first cell, then any greater one or any NaN.
                                int best = vp + r0 * w + c0;
                                for (int r = r0; r < r1; r++) {
                                    for (int c = c0; c < c1; c++) {
                                        double value = v[vp + r * w + c];
                                        if (value > v[best] || value != value) {
                                            best = vp + r * w + c;
                                        }
                                    }
                                }
                                res[best] += grad[k];
                            }
                        }
                    }
                }
                Rows.write(ob, oo + p0 * outSize, res, n * outSize, 3);
            }
        });
    }
}
