package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkRank;
import static dev.lamina.runtime.kernel.Support.checkSameType;
import static dev.lamina.runtime.kernel.Support.checkShape;

import dev.lamina.runtime.Natives;
import dev.lamina.runtime.kernel.Scratch.Slot;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * 2-D convolution (cross-correlation) over NCHW tensors, by im2col and one gemm.
 *
 * <p>Shapes: x {@code [N, C, H, W]}, w {@code [F, C, KH, KW]} (the kernel's height and width may
 * differ), b {@code [F]} or null, y {@code [N, F, OH, OW]}; the stride may differ per axis too
 * ({@code SH} rows, {@code SW} columns). Padding is zero padding of {@code padTop} rows above and
 * {@code padLeft} columns to the left; the caller gives OH and OW, which fix the bottom/right padding.
 *
 * <p>Method (Chellapilla et al. 2006, "High performance convolutional neural networks for document
 * processing"): the input is unrolled into {@code colT [C*KH*KW, N*OH*OW]} and
 * {@code y = w[F, C*KH*KW] @ colT} is one gemm over the whole batch; the bias rides along as an
 * extra column of w against a row of ones in colT. The result is channel-major
 * ({@code [F, N, OH, OW]}) and is copied into NCHW in contiguous runs of OH*OW. Backward reverses
 * the steps: {@code [dw | db] += dy[F, N*P] @ [colT; 1]^T}, {@code dcolT = w^T @ dy}, col2im into dx.
 * Temporaries live in per-thread scratch buffers (see {@link Scratch}); x, w and b are not modified.
 * Works for FLOAT and DOUBLE; all arrays must share x's type.
 *
 * <p>On libnd4j built with oneDNN (Lamina's default natives), FLOAT layers with at least
 * {@value #ONEDNN_MIN_CHANNELS} input channels run on libnd4j's {@code conv2d} and {@code conv2d_bp}
 * ops instead, which call oneDNN's convolutions: measured at the seed network's batch-128 shapes,
 * conv2 (32 -> 64 channels) took 3.0 ms forward and 6.6 ms backward that way against 5.4 and 15 ms
 * by im2col and gemm, while conv1 (1 input channel) took 2.8 ms either way forward and 13 ms
 * against 4 ms backward (oneDNN also computes the input gradient that the first layer does not
 * need, and gets one channel's im2col for free). DOUBLE, the stock natives and geometries that
 * neither VALID nor SAME padding describes use im2col and gemm.
 *
 * <p>FLOAT layers with few taps (at most {@value DirectConv2d#MAX_TAPS} values of {@code C*KH*KW}, e.g. one
 * input channel with a 3 x 3 kernel: a grayscale first layer) run a direct convolution on the JDK's Vector API
 * instead (scalar loops with the same results on a JVM without the module), any stride and padding: the
 * input image is staged in the cache and the output written once, in NCHW; backward stays on im2col and
 * gemm (a direct weight gradient measured no faster). The im2col matrix would have {@code C*KH*KW} rows,
 * too few for the gemm to reach its rate (see {@code DirectConv2d}). The system property
 * {@code lamina.directConv=false}, read per call, turns this path off. DOUBLE always takes im2col and gemm
 * (it serves gradient checks).
 */
public final class Conv2d {
    private Conv2d() {}

    /** Fewest input channels for which the oneDNN convolution ops are used (see the class comment). */
    static final int ONEDNN_MIN_CHANNELS = 8;

    /**
     * libnd4j's padding mode for g (0 VALID, 1 SAME as TensorFlow and Lamina's generator pad), or -1
     * when neither gives g's output size and top-left padding.
     */
    private static int nativePaddingMode(Im2col.Geometry g) {
        int sh = g.strideH(), sw = g.strideW(), kh = g.kh(), kw = g.kw();
        if (g.padTop() == 0 && g.padLeft() == 0 && g.outH() == (g.h() - kh) / sh + 1
                && g.outW() == (g.w() - kw) / sw + 1) {
            return 0;
        }
        boolean sameSize = g.outH() == (g.h() + sh - 1) / sh && g.outW() == (g.w() + sw - 1) / sw;
        boolean samePad = g.padTop() == Math.max((g.outH() - 1) * sh + kh - g.h(), 0) / 2
                && g.padLeft() == Math.max((g.outW() - 1) * sw + kw - g.w(), 0) / 2;
        return sameSize && samePad ? 1 : -1;
    }

    /** Whether this convolution runs on libnd4j's oneDNN ops (see the class comment). */
    static boolean onOneDnn(Im2col.Geometry g, DataType type) {
        return type == DataType.FLOAT && g.c() >= ONEDNN_MIN_CHANNELS && nativePaddingMode(g) >= 0
                && Natives.oneDnn();
    }

    /**
     * libnd4j integer arguments: kH, kW, sH, sW, pH, pW, dH, dW, padding mode, data format (0 = NCHW),
     * weight format (1 = {@code [F, C, KH, KW]}).
     */
    private static int[] nativeArguments(Im2col.Geometry g) {
        int mode = nativePaddingMode(g);
        return new int[] {g.kh(), g.kw(), g.strideH(), g.strideW(), mode == 0 ? 0 : g.padTop(),
                mode == 0 ? 0 : g.padLeft(), 1, 1, mode, 0, 1};
    }

    /**
     * Where a convolution's window goes, for one layer: the arguments of {@link #forward} and
     * {@link #backward} after the tensors, named. Built as
     * {@code Geometry.stride(1).padding(1, 1).output(28, 28)}, or {@code Geometry.stride(2, 1)...} for
     * a stride that differs per axis. The kernel's size is the weight's {@code [KH, KW]}.
     *
     * @param strideHeight step of the window down the rows, at least 1
     * @param strideWidth  step of the window along the columns, at least 1
     * @param padTop       zero rows above the input (SAME padding puts the odd extra row below)
     * @param padLeft      zero columns left of the input (the odd extra column goes right)
     * @param outHeight    OH, the output's height
     * @param outWidth     OW, the output's width
     */
    public record Geometry(int strideHeight, int strideWidth, int padTop, int padLeft, int outHeight,
            int outWidth) {
        /**
         * Checks the arguments.
         *
         * @param strideHeight step of the window down the rows
         * @param strideWidth  step of the window along the columns
         * @param padTop       zero rows above the input
         * @param padLeft      zero columns left of the input
         * @param outHeight    the output's height
         * @param outWidth     the output's width
         * @throws IllegalArgumentException if a stride or an output size is below 1, or a padding is
         *     negative
         */
        public Geometry {
            if (strideHeight < 1 || strideWidth < 1 || padTop < 0 || padLeft < 0 || outHeight < 1
                    || outWidth < 1) {
                throw new IllegalArgumentException("stride " + strideHeight + "x" + strideWidth + ", padding "
                        + padTop + "/" + padLeft + ", output " + outHeight + "x" + outWidth
                        + ": strides and output sizes must be at least 1, padding at least 0");
            }
        }

        /**
         * The start of a geometry: its stride, the same in both directions.
         *
         * @param stride step of the window in both directions, at least 1
         * @return a geometry with this stride, no padding and a 1 x 1 output, to refine with
         *     {@link #padding} and {@link #output}
         */
        public static Geometry stride(int stride) {
            return new Geometry(stride, stride, 0, 0, 1, 1);
        }

        /**
         * The start of a geometry: its stride per axis.
         *
         * @param height step of the window down the rows, at least 1
         * @param width  step of the window along the columns, at least 1
         * @return a geometry with this stride, no padding and a 1 x 1 output, to refine with
         *     {@link #padding} and {@link #output}
         */
        public static Geometry stride(int height, int width) {
            return new Geometry(height, width, 0, 0, 1, 1);
        }

        /**
         * This geometry with other padding.
         *
         * @param top  zero rows above the input
         * @param left zero columns left of the input
         * @return this geometry with that padding
         */
        public Geometry padding(int top, int left) {
            return new Geometry(strideHeight, strideWidth, top, left, outHeight, outWidth);
        }

        /**
         * This geometry with another output size.
         *
         * @param height the output's height OH
         * @param width  the output's width OW
         * @return this geometry with that output size
         */
        public Geometry output(int height, int width) {
            return new Geometry(strideHeight, strideWidth, padTop, padLeft, height, width);
        }
    }

    /**
     * {@link #forward(INDArray, INDArray, INDArray, int, int, int, int, int)} with the window's
     * arguments in one {@link Geometry}.
     *
     * @param x input {@code [N, C, H, W]}
     * @param w filters {@code [F, C, KH, KW]}
     * @param b bias {@code [F]}, or null for none
     * @param g stride, padding and output size
     * @return y {@code [N, F, OH, OW]}
     * @throws IllegalArgumentException on ranks, shapes, types or geometry that do not fit together
     */
    public static INDArray forward(INDArray x, INDArray w, INDArray b, Geometry g) {
        return forward(x, w, b, g.strideHeight(), g.strideWidth(), g.padTop(), g.padLeft(), g.outHeight(),
                g.outWidth());
    }

    /**
     * {@link #backward(INDArray, INDArray, INDArray, INDArray, INDArray, int, int, int, boolean)} with
     * the forward pass's window in one {@link Geometry} (its output size must match {@code dy}'s).
     *
     * @param x  the forward input {@code [N, C, H, W]}
     * @param w  the forward filters {@code [F, C, KH, KW]}
     * @param dy dL/dy {@code [N, F, OH, OW]}
     * @param dw accumulator {@code [F, C, KH, KW]}, updated in place
     * @param db accumulator {@code [F]}, updated in place, or null
     * @param g  the forward pass's stride, padding and output size
     * @param needInputGrad false skips dL/dx (first layer)
     * @return dL/dx {@code [N, C, H, W]}, or null when {@code needInputGrad} is false
     * @throws IllegalArgumentException on ranks, shapes, types or geometry that do not fit together
     */
    public static INDArray backward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db, Geometry g,
            boolean needInputGrad) {
        if (dy.rank() == 4 && (dy.size(2) != g.outHeight() || dy.size(3) != g.outWidth())) {
            throw new IllegalArgumentException("dy " + Arrays.toString(dy.shape()) + " does not have the"
                    + " geometry's output size " + g.outHeight() + "x" + g.outWidth());
        }
        return backward(x, w, dy, dw, db, g.strideHeight(), g.strideWidth(), g.padTop(), g.padLeft(),
                needInputGrad);
    }

    /**
     * Forward pass with the same stride on both axes:
     * {@code y[n,f,i,j] = b[f] + sum_{c,u,v} w[f,c,u,v] * xpad[n,c,i*s+u,j*s+v]}.
     *
     * @param x      input {@code [N, C, H, W]}
     * @param w      filters {@code [F, C, KH, KW]}
     * @param b      bias {@code [F]}, or null for none
     * @param stride step of the window in both directions, at least 1
     * @param padTop zero rows above x, in {@code [0, KH)}
     * @param padLeft zero columns left of x, in {@code [0, KW)}
     * @param outH   OH, at least 1; the last window row {@code (OH-1)*stride - padTop} must lie inside x
     * @param outW   OW, likewise
     * @return y {@code [N, F, OH, OW]}, a new C-order array of x's type
     * @throws IllegalArgumentException on ranks, shapes, types or geometry that do not fit together
     */
    public static INDArray forward(INDArray x, INDArray w, INDArray b, int stride, int padTop, int padLeft,
            int outH, int outW) {
        return forward(x, w, b, stride, stride, padTop, padLeft, outH, outW);
    }

    private static INDArray forward(INDArray x, INDArray w, INDArray b, int strideH, int strideW, int padTop,
            int padLeft, int outH, int outW) {
        Im2col.Geometry g = geometry(x, w, b, strideH, strideW, padTop, padLeft, outH, outW);
        if (DirectConv2d.applies(g, w.size(0), x.dataType())) {
            return DirectConv2d.forward(x, w, b, g, FusedLoops.get());
        }
        return gemmForward(x, w, b, g);
    }

    /** Forward on oneDNN or by im2col and gemm. */
    private static INDArray gemmForward(INDArray x, INDArray w, INDArray b, Im2col.Geometry g) {
        DataType type = x.dataType();
        int f = (int) w.size(0), outH = g.outH(), outW = g.outW();
        if (onOneDnn(g, type)) {
            INDArray y = Support.newArray(type, g.n(), f, outH, outW);
            INDArray[] inputs = b == null ? new INDArray[] {Support.denseC(x), Support.denseC(w)}
                    : new INDArray[] {Support.denseC(x), Support.denseC(w), Support.denseC(b)};
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs).addOutputs(y)
                    .addIntegerArguments(nativeArguments(g)).build());
            return y;
        }
        long np = (long) g.n() * g.positions();

        // With a bias, colT gets a row of ones and w a column b, so the gemm adds the bias.
        int rows = b == null ? g.rows() : g.rows() + 1;
        INDArray colT = Scratch.get(Slot.COL, type, rows, np);
        Im2col.im2col(Support.denseC(x), colT, g);
        INDArray filters = filterMatrix(w, g);
        if (b != null) {
            colT.getRow(g.rows()).assign(1.0);
            INDArray withBias = Scratch.get(Slot.FILTERS, type, f, rows);
            withBias.get(NDArrayIndex.all(), NDArrayIndex.interval(0, g.rows())).assign(filters);
            withBias.get(NDArrayIndex.all(), NDArrayIndex.point(g.rows())).assign(b);
            filters = withBias;
        }
        INDArray yChannelMajor = Scratch.get(Slot.CHANNEL_MAJOR, type, f, np);
        Nd4j.gemm(filters, colT, yChannelMajor, false, false, 1.0, 0.0);
        INDArray y = Support.newArray(type, g.n(), f, outH, outW);
        Blocks.swapOuterAxes(yChannelMajor, y, f, g.n(), g.positions());
        return y;
    }

    /**
     * Backward pass with the same stride on both axes. Accumulates {@code dw += dL/dw} and, if {@code db} is not null, {@code db += dL/db}.
     *
     * @param x   the forward input {@code [N, C, H, W]}
     * @param w   the forward filters {@code [F, C, KH, KW]}
     * @param dy  dL/dy {@code [N, F, OH, OW]}
     * @param dw  accumulator {@code [F, C, KH, KW]}, updated in place
     * @param db  accumulator {@code [F]}, updated in place, or null
     * @param stride  the forward pass's stride
     * @param padTop  the forward pass's zero rows above x
     * @param padLeft the forward pass's zero columns left of x
     * @param needInputGrad false skips dL/dx (first layer)
     * @return dL/dx {@code [N, C, H, W]}, or null when {@code needInputGrad} is false
     * @throws IllegalArgumentException on ranks, shapes, types or geometry that do not fit together
     */
    public static INDArray backward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db, int stride,
            int padTop, int padLeft, boolean needInputGrad) {
        return backward(x, w, dy, dw, db, stride, stride, padTop, padLeft, needInputGrad);
    }

    private static INDArray backward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db, int strideH,
            int strideW, int padTop, int padLeft, boolean needInputGrad) {
        checkRank(dy, 4, "dy");
        Im2col.Geometry g = geometry(x, w, null, strideH, strideW, padTop, padLeft, (int) dy.size(2),
                (int) dy.size(3));
        DataType type = x.dataType();
        int f = (int) w.size(0);
        checkShape(dy, "dy", g.n(), f, g.outH(), g.outW());
        checkSameType(x, dy, "dy");
        checkShape(dw, "dw", w.shape());
        checkSameType(x, dw, "dw");
        if (db != null) {
            checkShape(db, "db", f);
            checkSameType(x, db, "db");
        }
        if (needInputGrad && onOneDnn(g, type)) {
            return nativeBackward(x, w, dy, dw, db, g);
        }
        long np = (long) g.n() * g.positions();
        // The direct path's weight gradient measured no faster than this gemm (ConvProbe), so backward is gemm's.
        INDArray dyChannelMajor = Scratch.get(Slot.CHANNEL_MAJOR, type, f, np);
        Blocks.swapOuterAxes(Support.denseC(dy), dyChannelMajor, g.n(), f, g.positions());
        // With db, colT gets a row of ones, so one gemm yields [dw | db].
        int rows = db == null ? g.rows() : g.rows() + 1;
        INDArray colT = Scratch.get(Slot.COL, type, rows, np);
        Im2col.im2col(Support.denseC(x), colT, g);
        if (db == null && Support.isDenseC(dw)) {
            Nd4j.gemm(dyChannelMajor, colT, dw.reshape(f, g.rows()), false, true, 1.0, 1.0);
        } else {
            if (db != null) {
                colT.getRow(g.rows()).assign(1.0);
            }
            INDArray grads = Scratch.get(Slot.FILTERS, type, f, rows);
            Nd4j.gemm(dyChannelMajor, colT, grads, false, true, 1.0, 0.0);
            INDArray dwPart = grads.get(NDArrayIndex.all(), NDArrayIndex.interval(0, g.rows()));
            if (Support.isDenseC(dw)) {
                dw.reshape(f, g.rows()).addi(dwPart);
            } else {
                dw.addi(dwPart.dup('c').reshape(w.shape()));
            }
            if (db != null) {
                db.addi(grads.get(NDArrayIndex.all(), NDArrayIndex.point(g.rows())));
            }
        }
        if (!needInputGrad) {
            return null;
        }
        return inputGradient(w, dyChannelMajor, g);
    }

    /** dL/dx from dy in channel-major layout {@code [F, N*P]}: {@code dcolT = w^T @ dy}, then col2im. */
    private static INDArray inputGradient(INDArray w, INDArray dyChannelMajor, Im2col.Geometry g) {
        DataType type = w.dataType();
        INDArray dcolT = Scratch.get(Slot.DCOL, type, g.rows(), (long) g.n() * g.positions());
        Nd4j.gemm(filterMatrix(w, g), dyChannelMajor, dcolT, true, false, 1.0, 0.0);
        INDArray dx = Support.newArray(type, g.n(), g.c(), g.h(), g.w());
        Im2col.col2im(dcolT, dx, g);
        return dx;
    }

    /** Backward on libnd4j's {@code conv2d_bp}, which writes the gradients; they are added into dw and db. */
    private static INDArray nativeBackward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db,
            Im2col.Geometry g) {
        DataType type = x.dataType();
        INDArray dx = Support.newArray(type, g.n(), g.c(), g.h(), g.w());
        INDArray dwPart = Support.newArray(type, w.shape());
        INDArray xc = Support.denseC(x), wc = Support.denseC(w), dyc = Support.denseC(dy);
        // conv2d_bp computes db only when given a bias, whose value does not enter the gradients.
        INDArray dbPart = db == null ? null : Support.newArray(type, w.size(0)).assign(0);
        INDArray[] inputs = db == null ? new INDArray[] {xc, wc, dyc} : new INDArray[] {xc, wc, dbPart, dyc};
        INDArray[] outputs = db == null ? new INDArray[] {dx, dwPart} : new INDArray[] {dx, dwPart, dbPart};
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(inputs).addOutputs(outputs)
                .addIntegerArguments(nativeArguments(g)).build());
        dw.addi(dwPart);
        if (db != null) {
            db.addi(dbPart);
        }
        return dx;
    }

    /** w as a dense {@code [F, C*KH*KW]} matrix, a view when w is dense already. */
    private static INDArray filterMatrix(INDArray w, Im2col.Geometry g) {
        return Support.denseC(w).reshape(w.size(0), g.rows());
    }

    private static Im2col.Geometry geometry(INDArray x, INDArray w, INDArray b, int strideH, int strideW,
            int padTop, int padLeft, int outH, int outW) {
        checkRank(x, 4, "x");
        checkRank(w, 4, "w");
        checkSameType(x, w, "w");
        long n = x.size(0), c = x.size(1), h = x.size(2), width = x.size(3);
        long kh = w.size(2), kw = w.size(3);
        if (w.size(1) != c) {
            throw new IllegalArgumentException("w must be [F, " + c + ", KH, KW] for x with " + c
                    + " channels, was " + Arrays.toString(w.shape()));
        }
        if (b != null) {
            checkShape(b, "b", w.size(0));
            checkSameType(x, b, "b");
        }
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("strides must be at least 1, were " + strideH + ", " + strideW);
        }
        if (padTop < 0 || padTop >= kh || padLeft < 0 || padLeft >= kw) {
            throw new IllegalArgumentException("padTop must lie in [0, KH) = [0, " + kh + ") and padLeft in"
                    + " [0, KW) = [0, " + kw + "), were " + padTop + ", " + padLeft);
        }
        if (outH < 1 || outW < 1 || (long) (outH - 1) * strideH - padTop >= h
                || (long) (outW - 1) * strideW - padLeft >= width) {
            throw new IllegalArgumentException("output " + outH + "x" + outW + " does not fit input " + h
                    + "x" + width + " with stride " + strideH + "x" + strideW + " and padding top " + padTop
                    + ", left " + padLeft);
        }
        if (c * kh * kw * n * outH * outW > Integer.MAX_VALUE || x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("convolution too large for one im2col matrix; split the batch");
        }
        return new Im2col.Geometry((int) n, (int) c, (int) h, (int) width, (int) kh, (int) kw, strideH, strideW,
                padTop, padLeft, outH, outW);
    }
}
