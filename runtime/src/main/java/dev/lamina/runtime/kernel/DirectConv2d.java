package dev.lamina.runtime.kernel;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Conv2d}'s direct forward path: FLOAT convolutions with at most {@value #MAX_TAPS} taps
 * ({@code C * KH * KW}, for example one input channel with a 3 x 3 kernel) and fewer than
 * {@value Conv2d#ONEDNN_MIN_CHANNELS} input channels, computed plane by plane on {@link FusedLoops}
 * without an im2col matrix.
 *
 * <p>Why a cut at {@value #MAX_TAPS} taps: im2col and gemm cost about {@code C*KH*KW} writes and reads of
 * the column matrix per output value plus the gemm, whose inner dimension is the tap count. With few taps
 * that inner dimension is too short for the gemm to reach its rate (the seed network's conv1, 9 taps,
 * ran at 17-26 GFLOP/s against ~170 for the other layers): the time goes into writing the
 * column matrix and the output and copying the output from channel-major to NCHW. The direct loops read
 * a staged image that stays in the first-level cache and write each output value once, in NCHW; they
 * do {@code C*KH*KW} vector multiply-adds per output vector with broadcast weights, with no blocking over
 * filters, so their arithmetic rate is fixed while the gemm's grows with the inner dimension. Measured
 * with {@code dev.lamina.bench.ConvProbe} at batch 128 on the idle 2-core machine (2026-12-07): conv1 of
 * the seed network ({@code [N,1,28,28] * [32,1,3,3]}, 9 taps) 2.25 ms direct against 3.52 ms by im2col
 * (1.56x), but an RGB first layer ({@code [N,3,32,32] * [32,3,3,3]}, 27 taps) 4.56 against 3.96 ms
 * (0.87x): the cut lies between. A direct weight gradient measured no faster than the gemm (0.99x at
 * conv1, 0.56x at 27 taps) and was removed; backward uses im2col and gemm.
 *
 * <p>Method. Each image is staged once (per thread) into a zero-padded heap array laid out so that an
 * output row reads each tap as a contiguous run: channel c, padded row r and column phase ph (the
 * padded columns {@code ph, ph + SW, ph + 2*SW, ...}, so a column stride becomes a unit stride) form
 * one run of {@code roundUp(OW, lanes) + (KW - 1) / SW} values. Columns that no window reads
 * (past the output's last window, and the trailing rows and columns VALID padding drops) stay 0. Tap
 * {@code (c, kh, kw)} of output {@code (oh, ow)} then sits at {@code taps[t] + oh * rowStep + ow}. Forward
 * computes one plane {@code (n, f)} into a per-thread array and copies it into y in one bulk put. The system property
 * {@code lamina.directConv=false} (read per call) sends these layers to im2col and gemm again, for
 * comparisons.
 */
final class DirectConv2d {
    private DirectConv2d() {}

    /** The most taps ({@code C * KH * KW}) a convolution may have to run here (see the class comment). */
    static final int MAX_TAPS = 9;

    /** The system property that, set to false, turns this path off. */
    static final String SWITCH = "lamina.directConv";

    /** Whether a convolution of this geometry, filter count and type runs on this path. */
    static boolean applies(Im2col.Geometry g, long filters, DataType type) {
        return type == DataType.FLOAT && g.rows() <= MAX_TAPS && g.c() < Conv2d.ONEDNN_MIN_CHANNELS
                && filters * g.n() * g.positions() <= Integer.MAX_VALUE && stagedSize(g, 64) <= MAX_STAGED
                && Boolean.parseBoolean(System.getProperty(SWITCH, "true"));
    }

    /** The most floats a staged image may take per thread; beyond it (huge strides, say) im2col runs. */
    static final long MAX_STAGED = 1 << 22;

    /** Floats of a staged image ({@link Layout#size()}) for loops of up to {@code lanes} lanes, in long. */
    static long stagedSize(Im2col.Geometry g, int lanes) {
        long phaseLength = (g.outW() + lanes - 1L) / lanes * lanes + (g.kw() - 1) / g.strideW();
        long rows = (g.outH() - 1L) * g.strideH() + g.kh();
        return g.c() * rows * g.strideW() * phaseLength;
    }

    /** Where the taps of one geometry sit in a staged image, for loops of {@code lanes} lanes. */
    static final class Layout {
        final Im2col.Geometry g;
        /** Values per column phase of a padded row. */
        final int phaseLength;
        final int rowStride, channelStride;
        /** Padded rows staged per channel: {@code (OH - 1) * SH + KH}. */
        final int rows;
        /** Offset of tap t of output (0, 0); tap t is {@code (c * KH + kh) * KW + kw}, w's order. */
        final int[] taps;
        /** Offset from one output row to the next. */
        final int rowStep;
        /** Length of a per-thread output plane: the vector loops write past the last row's end. */
        final int planeLength;

        Layout(Im2col.Geometry g, int lanes) {
            this.g = g;
            int sw = g.strideW();
            int paddedW = (g.outW() + lanes - 1) / lanes * lanes;
            phaseLength = paddedW + (g.kw() - 1) / sw;
            rowStride = sw * phaseLength;
            rows = (g.outH() - 1) * g.strideH() + g.kh();
            channelStride = rows * rowStride;
            rowStep = g.strideH() * rowStride;
            planeLength = (g.outH() - 1) * g.outW() + paddedW;
            taps = new int[g.rows()];
            for (int c = 0, t = 0; c < g.c(); c++) {
                for (int kh = 0; kh < g.kh(); kh++) {
                    for (int kw = 0; kw < g.kw(); kw++, t++) {
                        taps[t] = c * channelStride + kh * rowStride + (kw % sw) * phaseLength + kw / sw;
                    }
                }
            }
        }

        /** Length of a staged image. */
        int size() {
            return g.c() * channelStride;
        }

        /** Stages one image, {@code img [C, H, W]} from index 0, into {@code xs[0, size())}. */
        void stage(float[] img, float[] xs) {
            Arrays.fill(xs, 0, size(), 0f);
            int h = g.h(), w = g.w(), sw = g.strideW(), pl = g.padLeft();
            for (int ph = 0; ph < sw && ph < g.kw(); ph++) {
                // Runs of phase ph: padded column j * SW + ph is input column j * SW + ph - padLeft. Only
                // the runs' first OW - 1 + (KW - 1 - ph) / SW values are read by some window.
                int jFrom = Math.max(0, -Math.floorDiv(ph - pl, sw));
                int jTo = Math.min(g.outW() - 1 + (g.kw() - 1 - ph) / sw, Math.floorDiv(w - 1 + pl - ph, sw));
                if (jTo < jFrom) {
                    continue;
                }
                for (int c = 0; c < g.c(); c++) {
                    for (int r = 0; r < rows; r++) {
                        int ih = r - g.padTop();
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int src = (c * h + ih) * w + ph - pl, dst = c * channelStride + r * rowStride + ph * phaseLength;
                        if (sw == 1) {
                            System.arraycopy(img, src + jFrom, xs, dst + jFrom, jTo - jFrom + 1);
                        } else {
                            for (int j = jFrom; j <= jTo; j++) {
                                xs[dst + j] = img[src + j * sw];
                            }
                        }
                    }
                }
            }
        }
    }

    /** A dense array's FLOAT values. */
    private static float[] values(INDArray a) {
        INDArray d = Support.denseC(a);
        float[] v = new float[(int) d.length()];
        d.data().asNioFloat().get((int) d.offset(), v, 0, v.length);
        return v;
    }

    /**
     * y = conv(x, w) + b, as {@link Conv2d#forward}, plane by plane.
     *
     * @param x     {@code [N, C, H, W]} FLOAT
     * @param w     {@code [F, C, KH, KW]}
     * @param b     {@code [F]} or null
     * @param g     the checked geometry
     * @param loops the loops to run on
     * @return y {@code [N, F, OH, OW]}, a new array
     */
    static INDArray forward(INDArray x, INDArray w, INDArray b, Im2col.Geometry g, FusedLoops loops) {
        Layout layout = new Layout(g, loops.convLanes());
        int taps = g.rows(), f = (int) w.size(0), n = g.n(), p = g.positions(), image = g.c() * g.h() * g.w();
        int outH = g.outH(), outW = g.outW();
        float[] weights = values(w);
        float[] bias = b == null ? new float[f] : values(b);
        INDArray xc = Support.denseC(x);
        FloatBuffer xb = xc.data().asNioFloat();
        int xOff = (int) xc.offset();
        INDArray y = Support.newArray(DataType.FLOAT, n, f, outH, outW);
        FloatBuffer yb = y.data().asNioFloat();
        int yOff = (int) y.offset();
        Parallel.forRange(n * f, (long) n * f * p * taps, (from, to) -> {
            float[] img = Staging.floats(0, image), xs = Staging.floats(1, layout.size());
            float[] plane = Staging.floats(2, layout.planeLength);
            int staged = -1;
            for (int unit = from; unit < to; unit++) {
                int ni = unit / f, fi = unit % f;
                if (ni != staged) {
                    xb.get(xOff + ni * image, img, 0, image);
                    layout.stage(img, xs);
                    staged = ni;
                }
                loops.convolvePlane(xs, layout.taps, taps, layout.rowStep, weights, fi * taps, bias[fi], outH, outW,
                        plane);
                yb.put(yOff + unit * p, plane, 0, p);
            }
        });
        return y;
    }
}
