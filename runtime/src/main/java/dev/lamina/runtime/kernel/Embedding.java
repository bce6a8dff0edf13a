package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkSameType;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Token embedding, a lookup table as PyTorch's {@code nn.Embedding(V, D)}: token ids {@code [N, T]}
 * (batch N, sequence length T) index the rows of a table {@code [V, D]} (vocabulary V, width D), giving
 * {@code y[n, t, :] = table[ids[n, t], :]}, {@code [N, T, D]}. Backward scatters dL/dy back into the
 * rows that were read: {@code dTable[ids[n, t], :] += dy[n, t, :]}, so a token that occurs several
 * times collects the sum of its gradients. There is no input gradient (ids are integers).
 *
 * <p>ids are an INDArray of type INT or LONG (any strides), each in {@code [0, V)}; an id outside is an
 * {@link IllegalArgumentException} that names the id, its position {@code [n, t]} and V. The table is
 * FLOAT or DOUBLE and y takes its type. Rows are copied in bulk; inputs are not modified.
 */
public final class Embedding {
    private Embedding() {}

    /**
     * Forward pass: looks up each id's row.
     *
     * @param ids   token ids {@code [N, T]}, INT or LONG, each in {@code [0, V)}
     * @param table embedding table {@code [V, D]}, FLOAT or DOUBLE
     * @return y {@code [N, T, D]}, the table's type, a new array
     * @throws IllegalArgumentException if ids is not a rank-2 INT or LONG array, the table is not a
     *     rank-2 FLOAT or DOUBLE array, or an id is outside {@code [0, V)} (the message names the id,
     *     its position and V)
     */
    public static INDArray forward(INDArray ids, INDArray table) {
        Support.checkRank(table, 2, "table");
        checkSize(table.length(), ids.length() * table.size(1));
        long[] flat = ids(ids, table.size(0));
        int d = (int) table.size(1);
        INDArray tc = Support.denseC(table);
        INDArray y = Support.newArray(table.dataType(), ids.size(0), ids.size(1), d);
        Buffer tb = Segments.buffer(tc), yb = Segments.buffer(y);
        int to = (int) tc.offset(), yo = (int) y.offset();
        Parallel.forRange(flat.length, 2L * flat.length * d, (from, end) -> {
            for (int p = from; p < end; p++) {
                copy(tb, to + (int) flat[p] * d, yb, yo + p * d, d);
            }
        });
        return y;
    }

    /** {@code dst[dOff, dOff + len) = src[sOff, sOff + len)}, one bulk copy. */
    private static void copy(Buffer src, int sOff, Buffer dst, int dOff, int len) {
        if (src instanceof FloatBuffer s) {
            ((FloatBuffer) dst).put(dOff, s, sOff, len);
        } else {
            ((DoubleBuffer) dst).put(dOff, (DoubleBuffer) src, sOff, len);
        }
    }

    /**
     * Backward pass: accumulates {@code dTable[ids[n, t], :] += dy[n, t, :]} (a scatter-add; repeated
     * ids add up), in position order.
     *
     * @param ids    the forward pass's ids {@code [N, T]}, INT or LONG
     * @param dy     dL/dy {@code [N, T, D]}, the table's type
     * @param dTable accumulator {@code [V, D]}, FLOAT or DOUBLE, updated in place
     * @throws IllegalArgumentException if the shapes or types do not fit together or an id is outside
     *     {@code [0, V)}
     */
    public static void backward(INDArray ids, INDArray dy, INDArray dTable) {
        Support.checkRank(dTable, 2, "dTable");
        checkSize(dTable.length(), ids.length() * dTable.size(1));
        long[] flat = ids(ids, dTable.size(0));
        int d = (int) dTable.size(1);
        Support.checkShape(dy, "dy", ids.size(0), ids.size(1), d);
        checkSameType(dTable, dy, "dy");
        INDArray dyc = Support.denseC(dy);
        INDArray acc = Support.isDenseC(dTable) ? dTable : Nd4j.zeros(dTable.dataType(), dTable.shape());
        Buffer gb = Segments.buffer(dyc), ab = Segments.buffer(acc);
        int go = (int) dyc.offset(), ao = (int) acc.offset();
        for (int p = 0; p < flat.length; p++) {
            int row = ao + (int) flat[p] * d;
            double[] g = Rows.read(gb, go + p * d, d, 0);
            double[] a = Rows.read(ab, row, d, 1);
            for (int i = 0; i < d; i++) {
                a[i] += g[i];
            }
            Rows.write(ab, row, a, d, 1);
        }
        if (acc != dTable) {
            dTable.addi(acc);
        }
    }

    private static void checkSize(long tableLength, long outputLength) {
        if (tableLength > Integer.MAX_VALUE || outputLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
    }

    /** Checks ids ({@code [N, T]}, INT or LONG, each in {@code [0, V)}) and returns them flat in C order. */
    static long[] ids(INDArray ids, long vocabulary) {
        Support.checkNotNull(ids, "ids");
        DataType t = ids.dataType();
        if (t != DataType.INT32 && t != DataType.INT64) {
            throw new IllegalArgumentException("ids must be INT or LONG, was " + t);
        }
        if (ids.rank() != 2) {
            throw new IllegalArgumentException("ids must be [N, T], was " + Arrays.toString(ids.shape()));
        }
        long positions = ids.length();
        if (positions > Integer.MAX_VALUE || vocabulary > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
        long[] flat = Support.denseC(ids).reshape(positions).toLongVector();
        long tokens = ids.size(1);
        for (int p = 0; p < flat.length; p++) {
            if (flat[p] < 0 || flat[p] >= vocabulary) {
                throw new IllegalArgumentException("token id " + flat[p] + " at [" + p / tokens + ", " + p % tokens
                        + "] is outside the vocabulary [0, " + vocabulary + ")");
            }
        }
        return flat;
    }
}
