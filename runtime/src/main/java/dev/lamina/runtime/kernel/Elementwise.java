package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One Java pass over up to four dense C-order arrays of one shape, in blocks of {@link #BLOCK} values
 * that are staged into per-thread {@code double[]} arrays ({@link Rows}) and split across threads
 * ({@link Parallel}). It fuses the arithmetic that would otherwise be several libnd4j passes (each a
 * trip through memory and an OpenMP fork) around the transcendental functions that libnd4j vectorises
 * (erf, exp, tanh, sigmoid).
 */
final class Elementwise {
    private Elementwise() {}

    private static final int BLOCK = 4096;

    /** The arithmetic of one block: reads {@code in[k][0, len)}, leaves the result in {@code in[0][0, len)}. */
    interface Block {
        void run(double[][] in, int len);
    }

    /**
     * {@code out = f(in...)} blockwise; out may be one of the inputs.
     *
     * @param out dense C order, the inputs' length
     * @param f   the arithmetic
     * @param in  one to four dense C-order arrays
     */
    static void apply(INDArray out, Block f, INDArray... in) {
        if (out.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
        int n = (int) out.length(), k = in.length;
        Buffer[] bufs = new Buffer[k];
        int[] offs = new int[k];
        for (int i = 0; i < k; i++) {
            bufs[i] = Segments.buffer(in[i]);
            offs[i] = (int) in[i].offset();
        }
        Buffer ob = Segments.buffer(out);
        int oo = (int) out.offset();
        int blocks = (n + BLOCK - 1) / BLOCK;
        Parallel.forRange(blocks, (long) (k + 1) * n, (from, to) -> {
            double[][] staged = new double[k][];
            for (int b = from; b < to; b++) {
                int start = b * BLOCK, len = Math.min(BLOCK, n - start);
                for (int i = 0; i < k; i++) {
                    staged[i] = Rows.read(bufs[i], offs[i] + start, len, i);
                }
                f.run(staged, len);
                Rows.write(ob, oo + start, staged[0], len, 0);
            }
        });
    }
}
