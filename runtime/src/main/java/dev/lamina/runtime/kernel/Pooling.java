package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shared checks of the NCHW pooling kernels, and average pooling: unpadded windows on libnd4j's
 * {@code avgpool2d} ops, padded ones on the loops here, which leave padded cells out (see
 * {@link PoolGeometry}). Max pooling runs in Java, NaN-propagating ({@link MaxPooling}).
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
            return paddedAvgForward(x, g);
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
                    int r0 = g.firstRow(i), r1 = g.endRow(i, h);
                    for (int j = 0; j < outW; j++) {
                        int c0 = g.firstColumn(j), c1 = g.endColumn(j, w);
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
     * Padded average-pool forward in Java: each output is the mean of its window's input cells, the
     * padded cells left out of the count.
     */
    private static INDArray paddedAvgForward(INDArray x, PoolGeometry g) {
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
                    int r0 = g.firstRow(i), r1 = g.endRow(i, h);
                    for (int j = 0; j < outW; j++) {
                        int c0 = g.firstColumn(j), c1 = g.endColumn(j, w);
                        double sum = 0;
                        for (int r = r0; r < r1; r++) {
                            for (int c = c0; c < c1; c++) {
                                sum += xb.getDouble(xp + (long) r * w + c);
                            }
                        }
                        yb.put(yp + (long) i * outW + j, sum / ((r1 - r0) * (c1 - c0)));
                    }
                }
            }
        });
        return y;
    }
}
