package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkRank;
import static dev.lamina.runtime.kernel.Support.checkSameType;
import static dev.lamina.runtime.kernel.Support.checkShape;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected layer: x {@code [N, I]}, w {@code [I, O]}, b {@code [O]} or null, y {@code [N, O]}.
 * On a token sequence x {@code [N, T, I]} it acts on the last axis, as PyTorch's {@code nn.Linear}
 * and Keras' {@code Dense} do: y {@code [N, T, O]}, every token through the same weights (computed as
 * the rank-2 case on x reshaped to {@code [N*T, I]}).
 *
 * <p>Both passes are gemm calls into preallocated results ({@link Nd4j#gemm}), which ran 1.8-3x
 * faster than {@code INDArray.mmul} here. FLOAT or DOUBLE; all arrays share x's type. Inputs are
 * not modified.
 */
public final class Dense {
    private Dense() {}

    /**
     * {@code y = x w + b}.
     *
     * @param x input {@code [N, I]}, or {@code [N, T, I]} (a token sequence)
     * @param w weights {@code [I, O]}
     * @param b bias {@code [O]}, or null
     * @return y {@code [N, O]} (or {@code [N, T, O]}), a new C-order array
     * @throws IllegalArgumentException on ranks, shapes or types that do not fit together
     */
    public static INDArray forward(INDArray x, INDArray w, INDArray b) {
        if (x != null && x.rank() == 3) {
            check(x, w, b);
            return forward(tokens(x), w, b).reshape('c', x.size(0), x.size(1), w.size(1));
        }
        check(x, w, b);
        INDArray y = Support.newArray(x.dataType(), x.size(0), w.size(1));
        if (b == null) {
            Nd4j.gemm(x, w, y, false, false, 1.0, 0.0);
        } else {
            // The bias goes into the gemm's accumulator: y = b (every row), then y = x w + 1 * y.
            // One pass fewer than adding it afterwards, and no broadcast op, whose per-row index
            // tables ND4J allocates on every call.
            INDArray bias = Support.denseC(b);
            Segments.fillRows(Segments.buffer(bias), (int) bias.offset(), Segments.buffer(y), (int) y.offset(),
                    (int) y.size(0), (int) y.size(1));
            Nd4j.gemm(x, w, y, false, false, 1.0, 1.0);
        }
        return y;
    }

    /**
     * Accumulates {@code dw += x^T dy} and {@code db += sum_n dy} (if db is not null).
     *
     * <p>For a token sequence, x is {@code [N, T, I]}, dy {@code [N, T, O]} and dx {@code [N, T, I]};
     * the sums run over the N*T tokens.
     *
     * @param x  the forward input {@code [N, I]} (or {@code [N, T, I]})
     * @param w  the forward weights {@code [I, O]}
     * @param dy dL/dy {@code [N, O]} (or {@code [N, T, O]})
     * @param dw accumulator {@code [I, O]}, updated in place
     * @param db accumulator {@code [O]}, updated in place, or null
     * @param needInputGrad false skips dL/dx (first layer)
     * @return {@code dx = dy w^T} {@code [N, I]} (or {@code [N, T, I]}), or null when {@code needInputGrad} is false
     * @throws IllegalArgumentException on ranks, shapes or types that do not fit together
     */
    public static INDArray backward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db,
            boolean needInputGrad) {
        if (x != null && x.rank() == 3) {
            check(x, w, null);
            checkShape(dy, "dy", x.size(0), x.size(1), w.size(1));
            INDArray dx = backward(tokens(x), w, tokens(dy), dw, db, needInputGrad);
            return dx == null ? null : dx.reshape('c', x.shape());
        }
        check(x, w, null);
        checkShape(dy, "dy", x.size(0), w.size(1));
        checkSameType(x, dy, "dy");
        checkShape(dw, "dw", w.shape());
        checkSameType(x, dw, "dw");
        if (db != null) {
            checkShape(db, "db", w.size(1));
            checkSameType(x, db, "db");
            // Column sums in Java: ND4J's sum along axis 0 allocates an index table per call.
            INDArray g = Support.denseC(dy);
            if (Support.isDenseC(db)) {
                Segments.addColumnSums(Segments.buffer(g), (int) g.offset(), (int) g.size(0), (int) g.size(1),
                        Segments.buffer(db), (int) db.offset());
            } else {
                db.addi(g.sum(0));
            }
        }
        if (Support.isDenseC(dw)) {
            Nd4j.gemm(x, dy, dw, true, false, 1.0, 1.0);
        } else {
            dw.addi(Nd4j.gemm(x, dy, true, false));
        }
        if (!needInputGrad) {
            return null;
        }
        INDArray dx = Support.newArray(x.dataType(), x.size(0), x.size(1));
        Nd4j.gemm(dy, w, dx, false, true, 1.0, 0.0);
        return dx;
    }

    /** {@code [N, T, F]} as {@code [N*T, F]} (a view when dense, else a dense copy). */
    private static INDArray tokens(INDArray a) {
        return Support.denseC(a).reshape('c', a.size(0) * a.size(1), a.size(2));
    }

    /** Checks x ({@code [N, I]} or {@code [N, T, I]}), w {@code [I, O]} and b ({@code [O]} or null). */
    private static void check(INDArray x, INDArray w, INDArray b) {
        Support.checkFloating(x, "x");
        if (x.rank() != 2 && x.rank() != 3) {
            throw new IllegalArgumentException(
                    "x must be [N, I] or [N, T, I], was " + java.util.Arrays.toString(x.shape()));
        }
        checkRank(w, 2, "w");
        checkSameType(x, w, "w");
        long in = x.size(x.rank() - 1);
        if (w.size(0) != in) {
            throw new IllegalArgumentException("w must be [" + in + ", O] for x "
                    + java.util.Arrays.toString(x.shape()) + ", was " + java.util.Arrays.toString(w.shape()));
        }
        if (b != null) {
            checkShape(b, "b", w.size(1));
            checkSameType(x, b, "b");
        }
    }
}
