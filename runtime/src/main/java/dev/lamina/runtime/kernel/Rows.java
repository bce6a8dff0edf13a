package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Bulk copies between a (FLOAT or DOUBLE) direct buffer and per-thread heap {@code double[]} arrays
 * ({@link Staging}), for kernels that loop over short rows (a token's features) in Java: the loops then
 * run over heap arrays in double whatever the array type, and the buffers are touched by bulk copies only.
 */
final class Rows {
    private Rows() {}

    /**
     * This thread's {@code double[]} of slot {@code slot}, holding {@code b[off, off + len)}; valid until
     * the next request for the same slot on the same thread.
     */
    static double[] read(Buffer b, int off, int len, int slot) {
        double[] out = Staging.doubles(slot, len);
        if (b instanceof FloatBuffer f) {
            float[] tmp = Staging.floats(slot, len);
            f.get(off, tmp, 0, len);
            for (int i = 0; i < len; i++) {
                out[i] = tmp[i];
            }
        } else {
            ((DoubleBuffer) b).get(off, out, 0, len);
        }
        return out;
    }

    /**
     * Writes {@code src[0, len)} to {@code b[off, off + len)}, rounding to float for a FLOAT buffer (through
     * this thread's float array of {@code slot}).
     */
    static void write(Buffer b, int off, double[] src, int len, int slot) {
        if (b instanceof FloatBuffer f) {
            float[] tmp = Staging.floats(slot, len);
            for (int i = 0; i < len; i++) {
                tmp[i] = (float) src[i];
            }
            f.put(off, tmp, 0, len);
        } else {
            ((DoubleBuffer) b).put(off, src, 0, len);
        }
    }
}
