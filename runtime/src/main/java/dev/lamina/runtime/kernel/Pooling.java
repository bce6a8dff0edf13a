package dev.lamina.runtime.kernel;

import dev.lamina.runtime.Natives;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shared checks, libnd4j calls and Java loops for the NCHW pooling kernels. Unpadded windows run on
 * libnd4j's ops; padded ones on the loops here, which leave padded cells out (see {@link PoolGeometry}).
 */
final class Pooling {
    private Pooling() {}

    /** The unpadded geometry of a square window, as the {@code (size, stride)} kernel methods take it. */
    static PoolGeometry square(INDArray x, int size, int stride) {
        Support.checkRank(x, 4, "x");
        if (size < 1 || stride < 1) {
            throw new IllegalArgumentException("size and stride must be at least 1, were " + size + ", " + stride);
        }
        return PoolGeometry.window(size).stride(stride).valid(x.size(2), x.size(3));
    }

    /**
     * Checks that each of g's windows reads x: the first does since g's padding is smaller than the
     * window, the last must start inside x. Rows and columns past x at the bottom and right are
     * padding, as many as the output size needs.
     */
    static void check(INDArray x, PoolGeometry g) {
        Support.checkRank(x, 4, "x");
        long h = x.size(2), w = x.size(3);
        if ((long) (g.outHeight() - 1) * g.strideHeight() - g.padTop() >= h
                || (long) (g.outWidth() - 1) * g.strideWidth() - g.padLeft() >= w) {
            throw new IllegalArgumentException("output " + g.outHeight() + "x" + g.outWidth() + " does not fit input "
                    + h + "x" + w + " with window " + g.windowHeight() + "x" + g.windowWidth() + ", stride "
                    + g.strideHeight() + "x" + g.strideWidth() + " and padding top " + g.padTop() + ", left "
                    + g.padLeft());
        }
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
    }

    static void checkBackward(INDArray x, INDArray dy, PoolGeometry g) {
        check(x, g);
        Support.checkShape(dy, "dy", x.size(0), x.size(1), g.outHeight(), g.outWidth());
        Support.checkSameType(x, dy, "dy");
    }

    /**
     * libnd4j integer arguments for an unpadded window: kH, kW, sH, sW, pH, pW, dH, dW, padding mode
     * (0 = valid, floor), extra (avg: 1 = divide by the full window, irrelevant without padding),
     * layout (0 = NCHW).
     */
    private static int[] nativeArguments(PoolGeometry g) {
        return new int[] {g.windowHeight(), g.windowWidth(), g.strideHeight(), g.strideWidth(), 0, 0, 1, 1, 0, 1, 0};
    }

    static INDArray forward(String op, INDArray x, PoolGeometry g) {
        check(x, g);
        if (!g.isValidFor(x.size(2), x.size(3))) {
            return paddedForward(op.startsWith("max"), x, g);
        }
        INDArray y = Support.newArray(x.dataType(), x.size(0), x.size(1), g.outHeight(), g.outWidth());
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x).addOutputs(y)
                .addIntegerArguments(nativeArguments(g)).build());
        return y;
    }

    /** Average-pool backward: dy over each window's count of input cells, added to those cells. */
    static INDArray avgBackward(INDArray x, INDArray dy, PoolGeometry g) {
        checkBackward(x, dy, g);
        if (g.isValidFor(x.size(2), x.size(3))) {
            return nativeBackward("avgpool2d_bp", x, dy, g);
        }
        INDArray dyc = Support.denseC(dy);
        INDArray dx = Support.newLike(x).assign(0);
        DataBuffer dyb = dyc.data(), dxb = dx.data();
        long dyOff = dyc.offset(), dxOff = dx.offset();
        int h = (int) x.size(2), w = (int) x.size(3), outH = g.outHeight(), outW = g.outWidth();
        int planes = (int) (x.size(0) * x.size(1));
        Parallel.forRange(planes, 2 * x.length(), (from, to) -> {
            for (int p = from; p < to; p++) {
                long dp = dxOff + (long) p * h * w, gp = dyOff + (long) p * outH * outW;
                for (int i = 0; i < outH; i++) {
                    int r0 = Math.max(0, i * g.strideHeight() - g.padTop());
                    int r1 = Math.min(h, i * g.strideHeight() - g.padTop() + g.windowHeight());
                    for (int j = 0; j < outW; j++) {
                        int c0 = Math.max(0, j * g.strideWidth() - g.padLeft());
                        int c1 = Math.min(w, j * g.strideWidth() - g.padLeft() + g.windowWidth());
                        double share = dyb.getDouble(gp + (long) i * outW + j) / ((r1 - r0) * (c1 - c0));
                        for (int r = r0; r < r1; r++) {
                            for (int c = c0; c < c1; c++) {
                                long at = dp + (long) r * w + c;
                                dxb.put(at, dxb.getDouble(at) + share);
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }

    private static INDArray nativeBackward(String op, INDArray x, INDArray dy, PoolGeometry g) {
        INDArray dx = Support.newLike(x);
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x, dy).addOutputs(dx)
                .addIntegerArguments(nativeArguments(g)).build());
        return dx;
    }

    /**
     * Padded forward in Java: each output is the maximum or the mean of its window's input cells, the
     * padded cells left out (as negative infinity for the maximum, out of the count for the mean).
     */
    private static INDArray paddedForward(boolean max, INDArray x, PoolGeometry g) {
        INDArray xc = Support.denseC(x);
        INDArray y = Support.newArray(x.dataType(), x.size(0), x.size(1), g.outHeight(), g.outWidth());
        DataBuffer xb = xc.data(), yb = y.data();
        long xOff = xc.offset(), yOff = y.offset();
        int h = (int) x.size(2), w = (int) x.size(3), outH = g.outHeight(), outW = g.outWidth();
        int planes = (int) (x.size(0) * x.size(1));
        Parallel.forRange(planes, x.length(), (from, to) -> {
            for (int p = from; p < to; p++) {
                long xp = xOff + (long) p * h * w, yp = yOff + (long) p * outH * outW;
                for (int i = 0; i < outH; i++) {
                    int r0 = Math.max(0, i * g.strideHeight() - g.padTop());
                    int r1 = Math.min(h, i * g.strideHeight() - g.padTop() + g.windowHeight());
                    for (int j = 0; j < outW; j++) {
                        int c0 = Math.max(0, j * g.strideWidth() - g.padLeft());
                        int c1 = Math.min(w, j * g.strideWidth() - g.padLeft() + g.windowWidth());
                        double result = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int r = r0; r < r1; r++) {
                            for (int c = c0; c < c1; c++) {
                                double value = xb.getDouble(xp + (long) r * w + c);
                                result = max ? Math.max(result, value) : result + value;
                            }
                        }
                        yb.put(yp + (long) i * outW + j, max ? result : result / ((r1 - r0) * (c1 - c0)));
                    }
                }
            }
        });
        return y;
    }

    /**
     * Max-pool backward in Java: each dy entry goes to the first maximum of its window in row-major
     * order (PyTorch's choice among ties, which dropout zeros make common).
     *
     * <p>FLOAT on the oneDNN natives runs libnd4j's op (see {@link #onOneDnn}) when the windows are
     * unpadded. Otherwise, when they are unpadded, do not overlap (stride >= size on both axes) and
     * y is given, the maximum's position is
     * found by comparing each window element bitwise with y, without data-dependent branches
     * (a max scan mispredicts about half its compares on real activations); this measured 3x faster
     * than libnd4j's {@code maxpool2d_bp} at the seed network's shapes. Otherwise the window's input
     * cells are rescanned (padded cells, never a maximum, are skipped).
     */
    static INDArray maxBackward(INDArray x, INDArray y, INDArray dy, PoolGeometry geometry) {
        checkBackward(x, dy, geometry);
        boolean valid = geometry.isValidFor(x.size(2), x.size(3));
        if (valid && onOneDnn(x)) {
            return nativeBackward("maxpool2d_bp", x, dy, geometry);
        }
        if (y != null) {
            Support.checkSameShape(dy, "dy", y, "y");
        }
        boolean byValue = y != null && valid && geometry.strideHeight() >= geometry.windowHeight()
                && geometry.strideWidth() >= geometry.windowWidth();
        INDArray xc = Support.denseC(x);
        INDArray dyc = Support.denseC(dy);
        INDArray yc = byValue ? Support.denseC(y) : dyc;
        INDArray dx = Support.newLike(x);
        int planes = (int) (x.size(0) * x.size(1));
        int[] g = {(int) x.size(2), (int) x.size(3), (int) dy.size(2), (int) dy.size(3), geometry.windowHeight(),
            geometry.windowWidth(), geometry.strideHeight(), geometry.strideWidth(), geometry.padTop(),
            geometry.padLeft()};
        int xOff = (int) xc.offset(), yOff = (int) yc.offset(), dyOff = (int) dyc.offset(), dxOff = (int) dx.offset();
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = xc.data().asNioFloat(), yb = yc.data().asNioFloat(), dyb = dyc.data().asNioFloat();
            FloatBuffer dxb = dx.data().asNioFloat();
            Parallel.forRange(planes, 2 * x.length(), (from, to) -> {
                if (byValue) {
                    maxBackwardByValueFloat(xb, xOff, yb, yOff, dyb, dyOff, dxb, dxOff, g, from, to);
                } else {
                    maxBackwardFloat(xb, xOff, dyb, dyOff, dxb, dxOff, g, from, to);
                }
            });
        } else {
            DoubleBuffer xb = xc.data().asNioDouble(), yb = yc.data().asNioDouble(), dyb = dyc.data().asNioDouble();
            DoubleBuffer dxb = dx.data().asNioDouble();
            Parallel.forRange(planes, 2 * x.length(), (from, to) -> {
                if (byValue) {
                    maxBackwardByValueDouble(xb, xOff, yb, yOff, dyb, dyOff, dxb, dxOff, g, from, to);
                } else {
                    maxBackwardDouble(xb, xOff, dyb, dyOff, dxb, dxOff, g, from, to);
                }
            });
        }
        return dx;
    }

    /**
     * Whether max-pool backward runs on libnd4j's {@code maxpool2d_bp}: for FLOAT on the oneDNN natives,
     * where it runs on oneDNN, routes ties to the first maximum as the Java loops do, and measured
     * faster (4.0 against 7.0 ms at {@code [128, 32, 26, 26]}, 1.6 against 2.3 ms at
     * {@code [128, 64, 11, 11]}); the stock natives' op measured 3x slower than the Java loops.
     */
    static boolean onOneDnn(INDArray x) {
        return x.dataType() == DataType.FLOAT && Natives.oneDnn();
    }

    /** 1 if a == b, else 0, without a branch. */
    private static int same(int a, int b) {
        int d = a ^ b;
        return ((d | -d) >>> 31) ^ 1;
    }

    private static int same(long a, long b) {
        long d = a ^ b;
        return (int) (((d | -d) >>> 63) ^ 1);
    }

    /** Unpadded, non-overlapping windows; g = {H, W, OH, OW, KH, KW, SH, SW, 0, 0}; planes [from, to) of N*C. */
    private static void maxBackwardByValueFloat(FloatBuffer x, int xOff, FloatBuffer y, int yOff, FloatBuffer dy,
            int dyOff, FloatBuffer dx, int dxOff, int[] g, int from, int to) {
        final int h = g[0], w = g[1], outH = g[2], outW = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7];
        final boolean tiled = sh == kh && sw == kw && outH * kh == h && outW * kw == w;
        for (int p = from; p < to; p++) {
            int xp = xOff + p * h * w, dp = dxOff + p * h * w, yp = yOff + p * outH * outW, gp = dyOff + p * outH * outW;
            if (!tiled) {
                for (int k = 0; k < h * w; k++) {
                    dx.put(dp + k, 0f);
                }
            }
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    int base = i * sh * w + j * sw;
                    int max = Float.floatToRawIntBits(y.get(yp + i * outW + j));
                    float grad = dy.get(gp + i * outW + j);
                    int found = 0;
                    for (int u = 0; u < kh; u++) {
                        for (int v = 0; v < kw; v++) {
                            int at = base + u * w + v;
                            int first = same(Float.floatToRawIntBits(x.get(xp + at)), max) & ~found;
                            found |= first;
                            dx.put(dp + at, grad * first);
                        }
                    }
                }
            }
        }
    }

    private static void maxBackwardByValueDouble(DoubleBuffer x, int xOff, DoubleBuffer y, int yOff, DoubleBuffer dy,
            int dyOff, DoubleBuffer dx, int dxOff, int[] g, int from, int to) {
        final int h = g[0], w = g[1], outH = g[2], outW = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7];
        final boolean tiled = sh == kh && sw == kw && outH * kh == h && outW * kw == w;
        for (int p = from; p < to; p++) {
            int xp = xOff + p * h * w, dp = dxOff + p * h * w, yp = yOff + p * outH * outW, gp = dyOff + p * outH * outW;
            if (!tiled) {
                for (int k = 0; k < h * w; k++) {
                    dx.put(dp + k, 0d);
                }
            }
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    int base = i * sh * w + j * sw;
                    long max = Double.doubleToRawLongBits(y.get(yp + i * outW + j));
                    double grad = dy.get(gp + i * outW + j);
                    int found = 0;
                    for (int u = 0; u < kh; u++) {
                        for (int v = 0; v < kw; v++) {
                            int at = base + u * w + v;
                            int first = same(Double.doubleToRawLongBits(x.get(xp + at)), max) & ~found;
                            found |= first;
                            dx.put(dp + at, grad * first);
                        }
                    }
                }
            }
        }
    }

    /** g = {H, W, OH, OW, KH, KW, SH, SW, padTop, padLeft}; planes [from, to) of N*C. */
    private static void maxBackwardFloat(FloatBuffer x, int xOff, FloatBuffer dy, int dyOff, FloatBuffer dx,
            int dxOff, int[] g, int from, int to) {
        final int h = g[0], w = g[1], outH = g[2], outW = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7];
        final int padTop = g[8], padLeft = g[9];
        for (int p = from; p < to; p++) {
            int xp = xOff + p * h * w, dp = dxOff + p * h * w, gp = dyOff + p * outH * outW;
            for (int k = 0; k < h * w; k++) {
                dx.put(dp + k, 0f);
            }
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    int r0 = Math.max(0, i * sh - padTop), r1 = Math.min(h, i * sh - padTop + kh);
                    int c0 = Math.max(0, j * sw - padLeft), c1 = Math.min(w, j * sw - padLeft + kw);
                    int best = r0 * w + c0;
                    float bestValue = x.get(xp + best);
                    for (int r = r0; r < r1; r++) {
                        for (int c = c0; c < c1; c++) {
                            int at = r * w + c;
                            float value = x.get(xp + at);
                            if (value > bestValue) {
                                bestValue = value;
                                best = at;
                            }
                        }
                    }
                    dx.put(dp + best, dx.get(dp + best) + dy.get(gp + i * outW + j));
                }
            }
        }
    }

    private static void maxBackwardDouble(DoubleBuffer x, int xOff, DoubleBuffer dy, int dyOff, DoubleBuffer dx,
            int dxOff, int[] g, int from, int to) {
        final int h = g[0], w = g[1], outH = g[2], outW = g[3], kh = g[4], kw = g[5], sh = g[6], sw = g[7];
        final int padTop = g[8], padLeft = g[9];
        for (int p = from; p < to; p++) {
            int xp = xOff + p * h * w, dp = dxOff + p * h * w, gp = dyOff + p * outH * outW;
            for (int k = 0; k < h * w; k++) {
                dx.put(dp + k, 0d);
            }
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    int r0 = Math.max(0, i * sh - padTop), r1 = Math.min(h, i * sh - padTop + kh);
                    int c0 = Math.max(0, j * sw - padLeft), c1 = Math.min(w, j * sw - padLeft + kw);
                    int best = r0 * w + c0;
                    double bestValue = x.get(xp + best);
                    for (int r = r0; r < r1; r++) {
                        for (int c = c0; c < c1; c++) {
                            int at = r * w + c;
                            double value = x.get(xp + at);
                            if (value > bestValue) {
                                bestValue = value;
                                best = at;
                            }
                        }
                    }
                    dx.put(dp + best, dx.get(dp + best) + dy.get(gp + i * outW + j));
                }
            }
        }
    }
}
