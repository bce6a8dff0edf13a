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
 * <p>FLOAT runs {@link MaxPoolPlane}'s loops (the 2x2 stride-2 window unrolled) on blocks of N*C planes
 * copied to heap arrays ({@link Staging}); DOUBLE runs one loop over heap {@code double[]} copies
 * ({@link Rows}) that rescans each window. Both are parallel over blocks of planes ({@link Parallel}).
 */
final class MaxPooling {
    private MaxPooling() {}

    /** Planes per block: a block's staging arrays stay in the first levels of cache. */
    private static int planesPerBlock(int planeSize) {
        return Math.max(1, 8192 / planeSize);
    }

    static INDArray forward(INDArray x, PoolGeometry g) {
        Pooling.check(x, g);
        INDArray xc = Support.denseC(x);
        INDArray y = Support.newArray(x.dataType(), x.size(0), x.size(1), g.outHeight(), g.outWidth());
        if (x.dataType() == DataType.FLOAT) {
            floatPlanes(xc, null, y, g);
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
        if (x.dataType() == DataType.FLOAT) {
            floatPlanes(Support.denseC(x), Support.denseC(dy), dx, g);
        } else {
            planes(Support.denseC(x), Support.denseC(dy), dx, g);
        }
        return dx;
    }

    /**
     * FLOAT, any geometry, on {@link MaxPoolPlane} over blocks of planes copied to heap arrays: forward
     * ({@code dy == null}: out = y) or backward (out = dx).
     */
    private static void floatPlanes(INDArray x, INDArray dy, INDArray out, PoolGeometry g) {
        int h = (int) x.size(2), w = (int) x.size(3);
        int planes = (int) (x.size(0) * x.size(1)), plane = h * w, outPlane = g.outHeight() * g.outWidth();
        int per = planesPerBlock(plane), blocks = (planes + per - 1) / per;
        boolean forward = dy == null;
        int outSize = forward ? outPlane : plane;
        FloatBuffer xb = x.data().asNioFloat(), ob = out.data().asNioFloat();
        FloatBuffer gb = forward ? null : dy.data().asNioFloat();
        int xo = (int) x.offset(), oo = (int) out.offset(), go = forward ? 0 : (int) dy.offset();
        Parallel.forRange(blocks, forward ? x.length() : 2 * x.length(), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int p0 = blk * per, n = Math.min(planes, p0 + per) - p0;
                float[] xs = Staging.floats(0, n * plane), res = Staging.floats(1, n * outSize);
                float[] gs = forward ? null : Staging.floats(2, n * outPlane);
                xb.get(xo + p0 * plane, xs, 0, n * plane);
                if (!forward) {
                    gb.get(go + p0 * outPlane, gs, 0, n * outPlane);
                }
                for (int p = 0; p < n; p++) {
                    if (forward) {
                        MaxPoolPlane.forward(xs, p * plane, h, w, g, res, p * outPlane);
                    } else {
                        MaxPoolPlane.backward(xs, p * plane, h, w, g, gs, p * outPlane, res, p * plane);
                    }
                }
                ob.put(oo + p0 * outSize, res, 0, n * outSize);
            }
        });
    }

    /**
     * DOUBLE, any geometry, over blocks of planes: forward ({@code dy == null}: out = y)
     * or backward (out = dx, each window's dy added to the cell PyTorch's index names, found by a rescan).
     * Padded cells are left out (never the maximum).
     */
    private static void planes(INDArray x, INDArray dy, INDArray out, PoolGeometry g) {
        int h = (int) x.size(2), w = (int) x.size(3), outH = g.outHeight(), outW = g.outWidth();
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
                        int r0 = g.firstRow(i), r1 = g.endRow(i, h);
                        for (int j = 0; j < outW; j++) {
                            int c0 = g.firstColumn(j), c1 = g.endColumn(j, w);
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
