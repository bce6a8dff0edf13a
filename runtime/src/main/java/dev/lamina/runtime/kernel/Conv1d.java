package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkSameType;
import static dev.lamina.runtime.kernel.Support.checkShape;

import java.nio.Buffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 1-D convolution (cross-correlation) over signals in PyTorch's {@code Conv1d} layout, by im2col and
 * one gemm over the batch, as {@link Conv2d} does for images.
 *
 * <p>Shapes: x {@code [N, C, L]} (batch N, channels C, length L), w {@code [F, C, K]} (F filters of
 * width K), b {@code [F]} or null, y {@code [N, F, OL]}:
 * <pre>
 *   y[n, f, o] = b[f] + sum_{c, k} w[f, c, k] * x[n, c, o * stride + k - padLeft]
 * </pre>
 * with x read as 0 outside {@code [0, L)}: {@code padLeft} zeros on the left, and the caller's OL fixes
 * the right padding (as {@link Conv2d}'s output size does). PyTorch's {@code Conv1d(C, F, K, stride, p)}
 * is {@code padLeft = p}, {@code OL = (L + 2p - K) / stride + 1}.
 *
 * <p>Method: {@code col [N*OL, C*K]} holds one window per row, so {@code y = col w^T} is one gemm
 * ({@code [N*OL, F]}, then transposed per example into {@code [F, OL]}); backward is
 * {@code dw += dy^T col}, {@code db += sum dy}, {@code dcol = dy w}, and col2im adds each window's
 * gradient back into dx. FLOAT or DOUBLE; all arrays share x's type. Inputs are not modified.
 */
public final class Conv1d {
    private Conv1d() {}

    /**
     * Forward pass.
     *
     * @param x         input {@code [N, C, L]}, FLOAT or DOUBLE
     * @param w         filters {@code [F, C, K]}
     * @param b         bias {@code [F]}, or null for none
     * @param stride    step of the window, at least 1
     * @param padLeft   zeros left of x, in {@code [0, K)}
     * @param outLength OL, at least 1; the last window's start {@code (OL-1)*stride - padLeft} must lie inside x
     * @return y {@code [N, F, OL]}, a new array of x's type
     * @throws IllegalArgumentException on ranks, shapes, types or geometry that do not fit together
     */
    public static INDArray forward(INDArray x, INDArray w, INDArray b, int stride, int padLeft, int outLength) {
        check(x, w, b, stride, padLeft, outLength);
        int n = (int) x.size(0), f = (int) w.size(0), ck = (int) (w.size(1) * w.size(2));
        INDArray col = im2col(Support.denseC(x), (int) w.size(2), stride, padLeft, outLength);
        INDArray y2 = Support.newArray(x.dataType(), (long) n * outLength, f);
        Nd4j.gemm(col, filters(w, ck), y2, false, true, 1.0, 0.0);
        INDArray y = Support.newArray(x.dataType(), n, f, outLength);
        double[] bias = b == null ? null : b.toDoubleVector();
        transpose(y2, y, n, outLength, f, bias);
        return y;
    }

    /**
     * Backward pass. Accumulates {@code dw += dL/dw} and, if {@code db} is not null, {@code db += dL/db}.
     *
     * @param x             the forward input {@code [N, C, L]}
     * @param w             the forward filters {@code [F, C, K]}
     * @param dy            dL/dy {@code [N, F, OL]}
     * @param dw            accumulator {@code [F, C, K]}, updated in place
     * @param db            accumulator {@code [F]}, updated in place, or null
     * @param stride        the forward pass's stride
     * @param padLeft       the forward pass's left padding
     * @param needInputGrad false skips dL/dx (first layer)
     * @return dL/dx {@code [N, C, L]}, a new array, or null when {@code needInputGrad} is false
     * @throws IllegalArgumentException on ranks, shapes, types or geometry that do not fit together
     */
    public static INDArray backward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db, int stride,
            int padLeft, boolean needInputGrad) {
        Support.checkRank(dy, 3, "dy");
        int outLength = (int) dy.size(2);
        check(x, w, null, stride, padLeft, outLength);
        int n = (int) x.size(0), f = (int) w.size(0), ck = (int) (w.size(1) * w.size(2));
        checkShape(dy, "dy", n, f, outLength);
        checkSameType(x, dy, "dy");
        checkShape(dw, "dw", w.shape());
        checkSameType(x, dw, "dw");
        if (db != null) {
            checkShape(db, "db", f);
            checkSameType(x, db, "db");
        }
        INDArray col = im2col(Support.denseC(x), (int) w.size(2), stride, padLeft, outLength);
        INDArray dy2 = Support.newArray(x.dataType(), (long) n * outLength, f);
        untranspose(Support.denseC(dy), dy2, n, outLength, f);
        // [dW | db] as for a dense layer whose input is col and whose weights are w^T
        if (Support.isDenseC(dw)) {
            Nd4j.gemm(dy2, col, dw.reshape('c', f, ck), true, false, 1.0, 1.0);
        } else {
            dw.addi(Nd4j.gemm(dy2, col, true, false).reshape('c', w.shape()));
        }
        if (db != null) {
            db.addi(dy2.sum(0));
        }
        if (!needInputGrad) {
            return null;
        }
        INDArray dcol = Support.newArray(x.dataType(), (long) n * outLength, ck);
        Nd4j.gemm(dy2, filters(w, ck), dcol, false, false, 1.0, 0.0);
        INDArray dx = Support.newLike(x);
        col2im(dcol, dx, (int) w.size(2), stride, padLeft, outLength);
        return dx;
    }

    /** w as {@code [F, C*K]}. */
    private static INDArray filters(INDArray w, int ck) {
        return Support.denseC(w).reshape('c', w.size(0), ck);
    }

    /** {@code col[n*OL + o, c*K + k] = x[n, c, o*stride + k - padLeft]}, 0 outside x. */
    private static INDArray im2col(INDArray x, int k, int stride, int pad, int outLength) {
        int n = (int) x.size(0), c = (int) x.size(1), l = (int) x.size(2), ck = c * k, rows = outLength * ck;
        INDArray col = Support.newArray(x.dataType(), (long) n * outLength, ck);
        Buffer xb = Segments.buffer(x), cb = Segments.buffer(col);
        int xo = (int) x.offset(), co = (int) col.offset();
        Parallel.forRange(n, 2L * n * rows, (from, to) -> {
            for (int e = from; e < to; e++) {
                double[] v = Rows.read(xb, xo + e * c * l, c * l, 0);
                double[] out = Staging.doubles(1, rows);
                for (int o = 0; o < outLength; o++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int j = 0; j < k; j++) {
                            int at = o * stride + j - pad;
                            out[o * ck + ch * k + j] = at >= 0 && at < l ? v[ch * l + at] : 0.0;
                        }
                    }
                }
                Rows.write(cb, co + e * rows, out, rows, 1);
            }
        });
        return col;
    }

    /** dx = 0, then {@code dx[n, c, o*stride + k - padLeft] += dcol[n*OL + o, c*K + k]} inside x. */
    private static void col2im(INDArray dcol, INDArray dx, int k, int stride, int pad, int outLength) {
        int n = (int) dx.size(0), c = (int) dx.size(1), l = (int) dx.size(2), ck = c * k, rows = outLength * ck;
        Buffer cb = Segments.buffer(dcol), xb = Segments.buffer(dx);
        int co = (int) dcol.offset(), xo = (int) dx.offset();
        Parallel.forRange(n, 2L * n * rows, (from, to) -> {
            for (int e = from; e < to; e++) {
                double[] g = Rows.read(cb, co + e * rows, rows, 0);
                double[] out = Staging.doubles(1, c * l);
                Arrays.fill(out, 0, c * l, 0.0);
                for (int o = 0; o < outLength; o++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int j = 0; j < k; j++) {
                            int at = o * stride + j - pad;
                            if (at >= 0 && at < l) {
                                out[ch * l + at] += g[o * ck + ch * k + j];
                            }
                        }
                    }
                }
                Rows.write(xb, xo + e * c * l, out, c * l, 1);
            }
        });
    }

    /** {@code y[n, f, o] = y2[n*OL + o, f] + bias[f]} (bias may be null). */
    private static void transpose(INDArray y2, INDArray y, int n, int outLength, int f, double[] bias) {
        int block = outLength * f;
        Buffer sb = Segments.buffer(y2), db = Segments.buffer(y);
        int so = (int) y2.offset(), dOff = (int) y.offset();
        Parallel.forRange(n, 2L * n * block, (from, to) -> {
            for (int e = from; e < to; e++) {
                double[] v = Rows.read(sb, so + e * block, block, 0);
                double[] out = Staging.doubles(1, block);
                for (int o = 0; o < outLength; o++) {
                    for (int j = 0; j < f; j++) {
                        out[j * outLength + o] = v[o * f + j] + (bias == null ? 0.0 : bias[j]);
                    }
                }
                Rows.write(db, dOff + e * block, out, block, 1);
            }
        });
    }

    /** {@code dy2[n*OL + o, f] = dy[n, f, o]}. */
    private static void untranspose(INDArray dy, INDArray dy2, int n, int outLength, int f) {
        int block = outLength * f;
        Buffer sb = Segments.buffer(dy), db = Segments.buffer(dy2);
        int so = (int) dy.offset(), dOff = (int) dy2.offset();
        Parallel.forRange(n, 2L * n * block, (from, to) -> {
            for (int e = from; e < to; e++) {
                double[] v = Rows.read(sb, so + e * block, block, 0);
                double[] out = Staging.doubles(1, block);
                for (int j = 0; j < f; j++) {
                    for (int o = 0; o < outLength; o++) {
                        out[o * f + j] = v[j * outLength + o];
                    }
                }
                Rows.write(db, dOff + e * block, out, block, 1);
            }
        });
    }

    private static void check(INDArray x, INDArray w, INDArray b, int stride, int padLeft, int outLength) {
        Support.checkRank(x, 3, "x");
        Support.checkRank(w, 3, "w");
        checkSameType(x, w, "w");
        long c = x.size(1), l = x.size(2), k = w.size(2);
        if (w.size(1) != c) {
            throw new IllegalArgumentException("w must be [F, " + c + ", K] for x " + Arrays.toString(x.shape())
                    + ", was " + Arrays.toString(w.shape()));
        }
        if (b != null) {
            checkShape(b, "b", w.size(0));
            checkSameType(x, b, "b");
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be at least 1, was " + stride);
        }
        if (padLeft < 0 || padLeft >= k) {
            throw new IllegalArgumentException("padLeft must lie in [0, K) = [0, " + k + "), was " + padLeft);
        }
        if (outLength < 1 || (long) (outLength - 1) * stride - padLeft >= l) {
            throw new IllegalArgumentException("output length " + outLength + " does not fit input length " + l
                    + " with kernel " + k + ", stride " + stride + " and left padding " + padLeft);
        }
        if (x.size(0) * outLength * c * k > Integer.MAX_VALUE || x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("convolution too large for one im2col matrix; split the batch");
        }
    }
}
