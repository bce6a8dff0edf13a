package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkRank;
import static dev.lamina.runtime.kernel.Support.checkSameType;
import static dev.lamina.runtime.kernel.Support.checkShape;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected layer: x {@code [N, I]}, w {@code [I, O]}, b {@code [O]} or null, y {@code [N, O]}.
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
     * @param x input {@code [N, I]}
     * @param w weights {@code [I, O]}
     * @param b bias {@code [O]}, or null
     * @return y {@code [N, O]}, a new C-order array
     * @throws IllegalArgumentException on ranks, shapes or types that do not fit together
     */
    public static INDArray forward(INDArray x, INDArray w, INDArray b) {
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
     * @param x  the forward input {@code [N, I]}
     * @param w  the forward weights {@code [I, O]}
     * @param dy dL/dy {@code [N, O]}
     * @param dw accumulator {@code [I, O]}, updated in place
     * @param db accumulator {@code [O]}, updated in place, or null
     * @param needInputGrad false skips dL/dx (first layer)
     * @return {@code dx = dy w^T} {@code [N, I]}, or null when {@code needInputGrad} is false
     * @throws IllegalArgumentException on ranks, shapes or types that do not fit together
     */
    public static INDArray backward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db,
            boolean needInputGrad) {
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

    private static void check(INDArray x, INDArray w, INDArray b) {
        checkRank(x, 2, "x");
        checkRank(w, 2, "w");
        checkSameType(x, w, "w");
        if (w.size(0) != x.size(1)) {
            throw new IllegalArgumentException("w must be [" + x.size(1) + ", O] for x "
                    + java.util.Arrays.toString(x.shape()) + ", was " + java.util.Arrays.toString(w.shape()));
        }
        if (b != null) {
            checkShape(b, "b", w.size(1));
            checkSameType(x, b, "b");
        }
    }
}
