package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Swaps the two outer axes of a dense C-order {@code [A, B, P]} array into a dense C-order
 * {@code [B, A, P]} array, one bulk copy per run of P values, in parallel. Conv2d uses it between
 * NCHW ({@code [N, F, P]}, P = OH*OW) and the channel-major layout of its gemm ({@code [F, N, P]});
 * ND4J's assign through a permuted view took several times longer at the seed network's shapes.
 */
final class Blocks {
    private Blocks() {}

    /**
     * {@code dst[b, a, :] = src[a, b, :]} for every a in {@code [0, outer)}, b in {@code [0, inner)}.
     *
     * @param src dense C order, {@code outer * inner * p} values of dst's type
     * @param dst dense C order, as many values; not src
     */
    static void swapOuterAxes(INDArray src, INDArray dst, int outer, int inner, int p) {
        Buffer s = Segments.buffer(src);
        Buffer d = Segments.buffer(dst);
        int sOff = (int) src.offset();
        int dOff = (int) dst.offset();
        long work = (long) outer * inner * p;
        if (s instanceof FloatBuffer fs) {
            FloatBuffer fd = (FloatBuffer) d;
            Parallel.forRange(outer * inner, work, (from, to) -> {
                for (int unit = from; unit < to; unit++) {
                    fd.put(dOff + target(unit, outer, inner) * p, fs, sOff + unit * p, p);
                }
            });
        } else {
            DoubleBuffer ds = (DoubleBuffer) s, dd = (DoubleBuffer) d;
            Parallel.forRange(outer * inner, work, (from, to) -> {
                for (int unit = from; unit < to; unit++) {
                    dd.put(dOff + target(unit, outer, inner) * p, ds, sOff + unit * p, p);
                }
            });
        }
    }

    /** The dst run {@code b * outer + a} of src run {@code unit = a * inner + b}. */
    private static int target(int unit, int outer, int inner) {
        return (unit % inner) * outer + unit / inner;
    }
}
