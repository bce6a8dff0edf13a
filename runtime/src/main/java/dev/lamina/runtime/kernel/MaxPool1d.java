package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MaxPool1d over signals {@code [N, C, L]}, no padding: y {@code [N, C, (L-size)/stride+1]} (floor:
 * a tail that does not fill a window is dropped, as PyTorch's {@code nn.MaxPool1d(size, stride)}).
 * Backward routes each dy entry to the position of its window's maximum, the first among ties (as
 * {@link MaxPool2d} and PyTorch); overlapping windows add up. NaN propagates as in PyTorch and
 * {@link MaxPool2d}: a window with a NaN gives NaN, and its dy goes to the window's last NaN. Both passes
 * are Java loops over the N*C rows, which are independent. FLOAT or DOUBLE; inputs are not modified.
 */
public final class MaxPool1d {
    private MaxPool1d() {}

    /**
     * Forward pass.
     *
     * @param x      input {@code [N, C, L]}, FLOAT or DOUBLE
     * @param size   window width, at least 1, at most L
     * @param stride step between windows, at least 1
     * @return y {@code [N, C, (L-size)/stride+1]}, the maximum of each window (NaN if it holds a NaN), a
     *     new array
     * @throws IllegalArgumentException if x is not of rank 3, size or stride is below 1, or the window
     *     is longer than the input
     */
    public static INDArray forward(INDArray x, int size, int stride) {
        int out = check(x, size, stride);
        INDArray xc = Support.denseC(x);
        INDArray y = Support.newArray(x.dataType(), x.size(0), x.size(1), out);
        rows(xc, null, y, size, stride, out);
        return y;
    }

    /**
     * Backward pass.
     *
     * @param x      the forward input {@code [N, C, L]}
     * @param y      the forward output (checked for shape only; the windows are rescanned), or null
     * @param dy     dL/dy {@code [N, C, OL]}
     * @param size   the forward pass's window width
     * @param stride the forward pass's stride
     * @return dL/dx, x's shape, a new array
     * @throws IllegalArgumentException if the shapes or types do not fit together
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, int size, int stride) {
        int out = check(x, size, stride);
        Support.checkShape(dy, "dy", x.size(0), x.size(1), out);
        Support.checkSameType(x, dy, "dy");
        if (y != null) {
            Support.checkSameShape(dy, "dy", y, "y");
        }
        INDArray dx = Support.newLike(x);
        rows(Support.denseC(x), Support.denseC(dy), dx, size, stride, out);
        return dx;
    }

    /** Forward ({@code dy == null}: out = window maxima) or backward (out = dx) over the N*C rows. */
    private static void rows(INDArray x, INDArray dy, INDArray out, int size, int stride, int outLength) {
        int rows = (int) (x.size(0) * x.size(1)), l = (int) x.size(2);
        int per = Math.max(1, 4096 / l), blocks = (rows + per - 1) / per;
        Buffer xb = Segments.buffer(x), ob = Segments.buffer(out), gb = dy == null ? null : Segments.buffer(dy);
        int xo = (int) x.offset(), oo = (int) out.offset(), go = dy == null ? 0 : (int) dy.offset();
        boolean forward = dy == null;
        int outRow = forward ? outLength : l;
        Parallel.forRange(blocks, 2L * x.length(), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int r0 = blk * per, r1 = Math.min(rows, r0 + per);
                double[] v = Rows.read(xb, xo + r0 * l, (r1 - r0) * l, 0);
                double[] g = forward ? null : Rows.read(gb, go + r0 * outLength, (r1 - r0) * outLength, 1);
                double[] res = Staging.doubles(2, (r1 - r0) * outRow);
                if (!forward) {
                    Arrays.fill(res, 0, (r1 - r0) * outRow, 0.0);
                }
                for (int r = 0; r < r1 - r0; r++) {
                    for (int o = 0; o < outLength; o++) {
                        int start = r * l + o * stride, best = start;
                        for (int j = start + 1; j < start + size; j++) {
                            // PyTorch's index: a greater value or any NaN (so NaN propagates).
                            if (v[j] > v[best] || v[j] != v[j]) {
                                best = j;
                            }
                        }
                        if (forward) {
                            res[r * outLength + o] = v[best];
                        } else {
                            res[best] += g[r * outLength + o];
                        }
                    }
                }
                Rows.write(ob, oo + r0 * outRow, res, (r1 - r0) * outRow, 2);
            }
        });
    }

    private static int check(INDArray x, int size, int stride) {
        Support.checkRank(x, 3, "x");
        if (size < 1 || stride < 1 || size > x.size(2)) {
            throw new IllegalArgumentException("window " + size + " with stride " + stride + " does not fit x "
                    + Arrays.toString(x.shape()) + ": both must be at least 1 and the window at most L");
        }
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
        return (int) ((x.size(2) - size) / stride + 1);
    }
}
