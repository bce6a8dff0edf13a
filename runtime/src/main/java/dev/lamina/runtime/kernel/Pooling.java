package dev.lamina.runtime.kernel;

import dev.lamina.runtime.Natives;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** Shared checks and libnd4j calls for the square, unpadded, NCHW pooling kernels. */
final class Pooling {
    private Pooling() {}

    static long outSize(long in, int size, int stride) {
        return (in - size) / stride + 1;
    }

    static void check(INDArray x, int size, int stride) {
        Support.checkRank(x, 4, "x");
        if (size < 1 || stride < 1) {
            throw new IllegalArgumentException("size and stride must be at least 1, were " + size + ", " + stride);
        }
        if (x.size(2) < size || x.size(3) < size) {
            throw new IllegalArgumentException("window " + size + " is larger than the input "
                    + x.size(2) + "x" + x.size(3));
        }
    }

    static void checkBackward(INDArray x, INDArray dy, int size, int stride) {
        check(x, size, stride);
        Support.checkShape(dy, "dy", x.size(0), x.size(1), outSize(x.size(2), size, stride),
                outSize(x.size(3), size, stride));
        Support.checkSameType(x, dy, "dy");
    }

    /**
     * libnd4j integer arguments: kH, kW, sH, sW, pH, pW, dH, dW, padding mode (0 = valid, floor),
     * extra (avg: 1 = divide by the full window, irrelevant without padding), layout (0 = NCHW).
     */
    static INDArray forward(String op, INDArray x, int size, int stride) {
        check(x, size, stride);
        INDArray y = Support.newArray(x.dataType(), x.size(0), x.size(1), outSize(x.size(2), size, stride),
                outSize(x.size(3), size, stride));
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x).addOutputs(y)
                .addIntegerArguments(size, size, stride, stride, 0, 0, 1, 1, 0, 1, 0).build());
        return y;
    }

    static INDArray backward(String op, INDArray x, INDArray dy, int size, int stride) {
        checkBackward(x, dy, size, stride);
        INDArray dx = Support.newLike(x);
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x, dy).addOutputs(dx)
                .addIntegerArguments(size, size, stride, stride, 0, 0, 1, 1, 0, 1, 0).build());
        return dx;
    }

    /**
     * Max-pool backward in Java: each dy entry goes to the first maximum of its window in row-major
     * order (PyTorch's choice among ties, which dropout zeros make common).
     *
     * <p>FLOAT on the oneDNN natives runs libnd4j's op (see {@link #onOneDnn}). Otherwise, when
     * windows do not overlap (stride >= size) and y is given, the maximum's position is
     * found by comparing each window element bitwise with y, without data-dependent branches
     * (a max scan mispredicts about half its compares on real activations); this measured 3x faster
     * than libnd4j's {@code maxpool2d_bp} at the seed network's shapes. Otherwise the window is
     * rescanned.
     */
    static INDArray maxBackward(INDArray x, INDArray y, INDArray dy, int size, int stride) {
        checkBackward(x, dy, size, stride);
        if (onOneDnn(x)) {
            return backward("maxpool2d_bp", x, dy, size, stride);
        }
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
        if (y != null) {
            Support.checkSameShape(dy, "dy", y, "y");
        }
        boolean byValue = y != null && stride >= size;
        INDArray xc = Support.denseC(x);
        INDArray dyc = Support.denseC(dy);
        INDArray yc = byValue ? Support.denseC(y) : dyc;
        INDArray dx = Support.newLike(x);
        int planes = (int) (x.size(0) * x.size(1));
        int[] g = {(int) x.size(2), (int) x.size(3), (int) dy.size(2), (int) dy.size(3), size, stride};
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

    /** Non-overlapping windows; g = {H, W, OH, OW, size, stride}; planes [from, to) of N*C. */
    private static void maxBackwardByValueFloat(FloatBuffer x, int xOff, FloatBuffer y, int yOff, FloatBuffer dy,
            int dyOff, FloatBuffer dx, int dxOff, int[] g, int from, int to) {
        final int h = g[0], w = g[1], outH = g[2], outW = g[3], size = g[4], stride = g[5];
        final boolean tiled = stride == size && outH * size == h && outW * size == w;
        for (int p = from; p < to; p++) {
            int xp = xOff + p * h * w, dp = dxOff + p * h * w, yp = yOff + p * outH * outW, gp = dyOff + p * outH * outW;
            if (!tiled) {
                for (int k = 0; k < h * w; k++) {
                    dx.put(dp + k, 0f);
                }
            }
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    int base = i * stride * w + j * stride;
                    int max = Float.floatToRawIntBits(y.get(yp + i * outW + j));
                    float grad = dy.get(gp + i * outW + j);
                    int found = 0;
                    for (int u = 0; u < size; u++) {
                        for (int v = 0; v < size; v++) {
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
        final int h = g[0], w = g[1], outH = g[2], outW = g[3], size = g[4], stride = g[5];
        final boolean tiled = stride == size && outH * size == h && outW * size == w;
        for (int p = from; p < to; p++) {
            int xp = xOff + p * h * w, dp = dxOff + p * h * w, yp = yOff + p * outH * outW, gp = dyOff + p * outH * outW;
            if (!tiled) {
                for (int k = 0; k < h * w; k++) {
                    dx.put(dp + k, 0d);
                }
            }
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    int base = i * stride * w + j * stride;
                    long max = Double.doubleToRawLongBits(y.get(yp + i * outW + j));
                    double grad = dy.get(gp + i * outW + j);
                    int found = 0;
                    for (int u = 0; u < size; u++) {
                        for (int v = 0; v < size; v++) {
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

    /** g = {H, W, OH, OW, size, stride}; planes [from, to) of N*C. */
    private static void maxBackwardFloat(FloatBuffer x, int xOff, FloatBuffer dy, int dyOff, FloatBuffer dx,
            int dxOff, int[] g, int from, int to) {
        final int h = g[0], w = g[1], outH = g[2], outW = g[3], size = g[4], stride = g[5];
        for (int p = from; p < to; p++) {
            int xp = xOff + p * h * w, dp = dxOff + p * h * w, gp = dyOff + p * outH * outW;
            for (int k = 0; k < h * w; k++) {
                dx.put(dp + k, 0f);
            }
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    int base = i * stride * w + j * stride;
                    int best = base;
                    float bestValue = x.get(xp + base);
                    for (int u = 0; u < size; u++) {
                        for (int v = 0; v < size; v++) {
                            int at = base + u * w + v;
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
        final int h = g[0], w = g[1], outH = g[2], outW = g[3], size = g[4], stride = g[5];
        for (int p = from; p < to; p++) {
            int xp = xOff + p * h * w, dp = dxOff + p * h * w, gp = dyOff + p * outH * outW;
            for (int k = 0; k < h * w; k++) {
                dx.put(dp + k, 0d);
            }
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    int base = i * stride * w + j * stride;
                    int best = base;
                    double bestValue = x.get(xp + base);
                    for (int u = 0; u < size; u++) {
                        for (int v = 0; v < size; v++) {
                            int at = base + u * w + v;
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
