package dev.lamina.runtime.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * im2col and col2im for Conv2d in the channel-major layout that lets one gemm cover the batch.
 *
 * <p>Key: N batch, C input channels, H x W input, KH x KW window, SH x SW stride, OH x OW output,
 * P = OH*OW. The column matrix is {@code colT [C*KH*KW, N*P]}: row {@code (c*KH + u)*KW + v}, column
 * {@code n*P + oh*OW + ow} holds {@code xpad[n, c, oh*SH + u, ow*SW + v]}, where xpad is x with
 * {@code padTop} zero rows above and {@code padLeft} zero columns to the left (and as many below and
 * to the right as OH and OW need). A row's run over ow reads x with stride SW, so for SW = 1 both
 * loops stream through memory. libnd4j's im2col writes {@code [N, C, K, K, OH, OW]}; asked to write
 * this layout through a permuted view it takes its generic path, which measured 5x slower than
 * these loops.
 */
final class Im2col {
    private Im2col() {}

    /** Window geometry of one convolution. */
    record Geometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW, int padTop,
            int padLeft, int outH, int outW) {
        int rows() {
            return c * kh * kw;
        }

        int positions() {
            return outH * outW;
        }

        /** First ow whose input column {@code ow*s + v - padLeft} is at least 0. */
        int owFrom(int v) {
            int need = padLeft - v;
            return need <= 0 ? 0 : Math.min(outW, (need + strideW - 1) / strideW);
        }

        /** One past the last ow whose input column is below w. */
        int owTo(int v) {
            int last = w - 1 + padLeft - v;
            return last < 0 ? 0 : Math.min(outW, last / strideW + 1);
        }
    }

    /** Fills {@code colT [C*KH*KW, N*P]} (dense C order) from {@code x [N, C, H, W]} (dense C order). */
    static void im2col(INDArray x, INDArray colT, Geometry g) {
        int units = g.rows() * g.n();
        long work = (long) units * g.positions();
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = x.data().asNioFloat();
            FloatBuffer cb = colT.data().asNioFloat();
            int xOff = (int) x.offset();
            int cOff = (int) colT.offset();
            Parallel.forRange(units, work, (from, to) -> im2colFloat(xb, xOff, cb, cOff, g, from, to));
        } else {
            DoubleBuffer xb = x.data().asNioDouble();
            DoubleBuffer cb = colT.data().asNioDouble();
            int xOff = (int) x.offset();
            int cOff = (int) colT.offset();
            Parallel.forRange(units, work, (from, to) -> im2colDouble(xb, xOff, cb, cOff, g, from, to));
        }
    }

    /**
     * Overwrites {@code dx [N, C, H, W]} (dense C order) with the sum, over every window position,
     * of the entries of {@code dcolT [C*KH*KW, N*P]} (dense C order) that read each input element:
     * the adjoint of {@link #im2col}.
     */
    static void col2im(INDArray dcolT, INDArray dx, Geometry g) {
        long work = (long) g.rows() * g.n() * g.positions();
        if (dx.dataType() == DataType.FLOAT) {
            FloatBuffer cb = dcolT.data().asNioFloat();
            FloatBuffer xb = dx.data().asNioFloat();
            int cOff = (int) dcolT.offset();
            int xOff = (int) dx.offset();
            Parallel.forRange(g.n(), work, (from, to) -> col2imFloat(cb, cOff, xb, xOff, g, from, to));
        } else {
            DoubleBuffer cb = dcolT.data().asNioDouble();
            DoubleBuffer xb = dx.data().asNioDouble();
            int cOff = (int) dcolT.offset();
            int xOff = (int) dx.offset();
            Parallel.forRange(g.n(), work, (from, to) -> col2imDouble(cb, cOff, xb, xOff, g, from, to));
        }
    }

    // Units are (row, n) pairs, unit = row*N + n, so each writes one contiguous run of P entries.
    private static void im2colFloat(FloatBuffer x, int xOff, FloatBuffer col, int colOff, Geometry g,
            int from, int to) {
        final int n = g.n(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sh = g.strideH(), s = g.strideW();
        final int outH = g.outH(), outW = g.outW(), p = g.positions();
        final long np = (long) n * p;
        for (int unit = from; unit < to; unit++) {
            int row = unit / n, b = unit % n;
            int c = row / (kh * kw), u = (row / kw) % kh, v = row % kw;
            int dst = (int) (colOff + row * np + (long) b * p);
            int plane = xOff + (b * g.c() + c) * h * w;
            int owFrom = g.owFrom(v), owTo = Math.max(owFrom, g.owTo(v));
            for (int oh = 0; oh < outH; oh++, dst += outW) {
                int ih = oh * sh - g.padTop() + u;
                if (ih < 0 || ih >= h) {
                    for (int ow = 0; ow < outW; ow++) {
                        col.put(dst + ow, 0f);
                    }
                    continue;
                }
                int src = plane + ih * w + v - g.padLeft();
                for (int ow = 0; ow < owFrom; ow++) {
                    col.put(dst + ow, 0f);
                }
                if (s == 1) {
                    // one bulk copy per run: about 2x faster than element by element. An empty run
                    // (kernel column entirely in the padding) may start past the end of x.
                    if (owTo > owFrom) {
                        col.put(dst + owFrom, x, src + owFrom, owTo - owFrom);
                    }
                } else {
                    for (int ow = owFrom; ow < owTo; ow++) {
                        col.put(dst + ow, x.get(src + ow * s));
                    }
                }
                for (int ow = owTo; ow < outW; ow++) {
                    col.put(dst + ow, 0f);
                }
            }
        }
    }

    private static void im2colDouble(DoubleBuffer x, int xOff, DoubleBuffer col, int colOff,
            Geometry g, int from, int to) {
        final int n = g.n(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sh = g.strideH(), s = g.strideW();
        final int outH = g.outH(), outW = g.outW(), p = g.positions();
        final long np = (long) n * p;
        for (int unit = from; unit < to; unit++) {
            int row = unit / n, b = unit % n;
            int c = row / (kh * kw), u = (row / kw) % kh, v = row % kw;
            int dst = (int) (colOff + row * np + (long) b * p);
            int plane = xOff + (b * g.c() + c) * h * w;
            int owFrom = g.owFrom(v), owTo = Math.max(owFrom, g.owTo(v));
            for (int oh = 0; oh < outH; oh++, dst += outW) {
                int ih = oh * sh - g.padTop() + u;
                if (ih < 0 || ih >= h) {
                    for (int ow = 0; ow < outW; ow++) {
                        col.put(dst + ow, 0d);
                    }
                    continue;
                }
                int src = plane + ih * w + v - g.padLeft();
                for (int ow = 0; ow < owFrom; ow++) {
                    col.put(dst + ow, 0d);
                }
                if (s == 1) {
                    if (owTo > owFrom) {
                        col.put(dst + owFrom, x, src + owFrom, owTo - owFrom);
                    }
                } else {
                    for (int ow = owFrom; ow < owTo; ow++) {
                        col.put(dst + ow, x.get(src + ow * s));
                    }
                }
                for (int ow = owTo; ow < outW; ow++) {
                    col.put(dst + ow, 0d);
                }
            }
        }
    }

    // Chunks are ranges of n, so no two threads write the same dx plane.
    private static void col2imFloat(FloatBuffer col, int colOff, FloatBuffer dx, int xOff, Geometry g,
            int from, int to) {
        final int n = g.n(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sh = g.strideH(), s = g.strideW();
        final int outH = g.outH(), outW = g.outW(), p = g.positions();
        final long np = (long) n * p;
        final int planeSize = h * w;
        for (int i = xOff + from * g.c() * planeSize, end = xOff + to * g.c() * planeSize; i < end; i++) {
            dx.put(i, 0f);
        }
        for (int b = from; b < to; b++) {
            for (int row = 0; row < g.rows(); row++) {
                int c = row / (kh * kw), u = (row / kw) % kh, v = row % kw;
                int src = (int) (colOff + row * np + (long) b * p);
                int plane = xOff + (b * g.c() + c) * planeSize;
                int owFrom = g.owFrom(v), owTo = g.owTo(v);
                for (int oh = 0; oh < outH; oh++, src += outW) {
                    int ih = oh * sh - g.padTop() + u;
                    if (ih < 0 || ih >= h) {
                        continue;
                    }
                    int dst = plane + ih * w + v - g.padLeft();
                    for (int ow = owFrom; ow < owTo; ow++) {
                        int at = dst + ow * s;
                        dx.put(at, dx.get(at) + col.get(src + ow));
                    }
                }
            }
        }
    }

    private static void col2imDouble(DoubleBuffer col, int colOff, DoubleBuffer dx, int xOff,
            Geometry g, int from, int to) {
        final int n = g.n(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sh = g.strideH(), s = g.strideW();
        final int outH = g.outH(), outW = g.outW(), p = g.positions();
        final long np = (long) n * p;
        final int planeSize = h * w;
        for (int i = xOff + from * g.c() * planeSize, end = xOff + to * g.c() * planeSize; i < end; i++) {
            dx.put(i, 0d);
        }
        for (int b = from; b < to; b++) {
            for (int row = 0; row < g.rows(); row++) {
                int c = row / (kh * kw), u = (row / kw) % kh, v = row % kw;
                int src = (int) (colOff + row * np + (long) b * p);
                int plane = xOff + (b * g.c() + c) * planeSize;
                int owFrom = g.owFrom(v), owTo = g.owTo(v);
                for (int oh = 0; oh < outH; oh++, src += outW) {
                    int ih = oh * sh - g.padTop() + u;
                    if (ih < 0 || ih >= h) {
                        continue;
                    }
                    int dst = plane + ih * w + v - g.padLeft();
                    for (int ow = owFrom; ow < owTo; ow++) {
                        int at = dst + ow * s;
                        dx.put(at, dx.get(at) + col.get(src + ow));
                    }
                }
            }
        }
    }
}
