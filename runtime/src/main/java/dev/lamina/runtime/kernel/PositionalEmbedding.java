package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkSameType;

import java.nio.Buffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Learned absolute position embedding, added to a token sequence (as in BERT, GPT-2 and ViT; the
 * learned variant that Vaswani et al. 2017, arXiv 1706.03762, section 3.5, compare with the sinusoidal
 * one): x {@code [N, T, D]} (batch N, tokens T, width D) and a table {@code [P, D]} with
 * {@code P >= T} positions give {@code y[n, t, :] = x[n, t, :] + table[t, :]}, the first T rows of the
 * table broadcast over the batch (P = T for fixed-length sequences; a longer table serves shorter
 * prefixes, as when a causal decoder generates). Backward: {@code dx = dy} and
 * {@code dTable[t, :] += sum_n dy[n, t, :]} for t below T (rows from T on get nothing).
 * FLOAT or DOUBLE; all arrays share x's type. Inputs are not modified.
 */
public final class PositionalEmbedding {
    private PositionalEmbedding() {}

    /**
     * Forward pass.
     *
     * @param x     token vectors {@code [N, T, D]}, FLOAT or DOUBLE
     * @param table position vectors {@code [P, D]}, {@code P >= T}, x's type
     * @return {@code y = x + table[0:T]} {@code [N, T, D]}, a new array
     * @throws IllegalArgumentException if x is not of rank 3, the table is not {@code [P, D]} with
     *     {@code P >= T}, or the types differ
     */
    public static INDArray forward(INDArray x, INDArray table) {
        check(x, table, "x", "table");
        int n = (int) x.size(0), run = (int) (x.size(1) * x.size(2));
        double[] rows = rows(table, x.size(1));
        INDArray xc = Support.denseC(x);
        INDArray y = Support.newLike(x);
        Buffer xb = Segments.buffer(xc), yb = Segments.buffer(y);
        int xo = (int) xc.offset(), yo = (int) y.offset();
        Parallel.forRange(n, 2L * x.length(), (from, to) -> {
            for (int b = from; b < to; b++) {
                double[] v = Rows.read(xb, xo + b * run, run, 0);
                for (int i = 0; i < run; i++) {
                    v[i] += rows[i];
                }
                Rows.write(yb, yo + b * run, v, run, 0);
            }
        });
        return y;
    }

    /**
     * Backward pass: accumulates {@code dTable[t, :] += sum_n dy[n, t, :]} for t below T.
     *
     * @param dy     dL/dy {@code [N, T, D]}
     * @param dTable accumulator {@code [P, D]} with {@code P >= T}, dy's type, updated in place
     * @return {@code dx = dy}, a new array
     * @throws IllegalArgumentException if dy is not of rank 3, dTable is not {@code [P, D]} with
     *     {@code P >= T}, or the types differ
     */
    public static INDArray backward(INDArray dy, INDArray dTable) {
        check(dy, dTable, "dy", "dTable");
        int n = (int) dy.size(0), t = (int) dy.size(1), run = (int) (dy.size(1) * dy.size(2));
        INDArray dyc = Support.denseC(dy);
        Buffer gb = Segments.buffer(dyc);
        int go = (int) dyc.offset();
        // Summed over the batch in batch order, one column range per thread: no races, and the same
        // result however the range is split.
        double[] sum = new double[run];
        Parallel.forRange(run, 2L * dy.length(), (from, to) -> {
            for (int b = 0; b < n; b++) {
                double[] g = Rows.read(gb, go + b * run + from, to - from, 0);
                for (int i = from; i < to; i++) {
                    sum[i] += g[i - from];
                }
            }
        });
        dTable.get(NDArrayIndex.interval(0, t), NDArrayIndex.all())
                .addi(BatchNorm.vector(sum, dTable).reshape('c', t, dy.size(2)));
        return dyc.dup('c');
    }

    /** The table's first t rows, flat in C order, as doubles. */
    private static double[] rows(INDArray table, long t) {
        INDArray first = Support.denseC(table.get(NDArrayIndex.interval(0, t), NDArrayIndex.all()));
        return first.reshape('c', new long[] {t * table.size(1)}).toDoubleVector();
    }

    private static void check(INDArray x, INDArray table, String name, String tableName) {
        Support.checkRank(x, 3, name);
        Support.checkNotNull(table, tableName);
        Support.checkFloating(table, tableName);
        if (table.rank() != 2 || table.size(1) != x.size(2) || table.size(0) < x.size(1)) {
            throw new IllegalArgumentException(tableName + " must be [P, " + x.size(2) + "] with P >= "
                    + x.size(1) + " for " + name + " " + Arrays.toString(x.shape()) + ", was "
                    + Arrays.toString(table.shape()));
        }
        checkSameType(x, table, tableName);
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
    }
}
