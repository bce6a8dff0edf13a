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
        Parallel.forRange(outer * inner, work, (from, to) -> {
            for (int unit = from; unit < to; unit++) {
                int a = unit / inner, b = unit % inner;
                int from0 = sOff + unit * p;
                int to0 = dOff + (b * outer + a) * p;
                if (s instanceof FloatBuffer fs) {
                    ((FloatBuffer) d).put(to0, fs, from0, p);
                } else {
                    ((DoubleBuffer) d).put(to0, (DoubleBuffer) s, from0, p);
                }
            }
        });
    }
}
