package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkSameType;
import static dev.lamina.runtime.kernel.Support.checkShape;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Folds an inference-mode {@link BatchNorm} into the {@link Conv2d} or {@link Dense} layer right
 * before it (the standard conv-BN fusion; Jacob et al. 2018, "Quantization and Training of Neural
 * Networks for Efficient Integer-Arithmetic-Only Inference", arXiv 1712.05877, §3.2). With the
 * running statistics BN is an affine map per output channel {@code c}, so it composes with the
 * linear layer:
 * <pre>
 *   scale[c] = gamma[c] / sqrt(runningVar[c] + eps)
 *   BN(W x + b) = (W x + b - runningMean) * scale + beta = W' x + b'
 *   W'[c, ...] = W[c, ...] * scale[c]              (Conv2d: W [F, C, K, K], c = filter)
 *   W'[i, c]   = W[i, c] * scale[c]                (Dense:  W [I, O],       c = unit)
 *   b'[c]      = (b[c] - runningMean[c]) * scale[c] + beta[c]   (b = 0 without a bias)
 * </pre>
 * The folded tensors are written into arrays the caller allocated once ({@link #allocate}), so a
 * fold per inference call costs O(parameters of the layer) and allocates nothing on the ND4J side;
 * scale and shift are computed in double. FLOAT or DOUBLE; all arrays share w's type. Inputs are
 * not modified.
 */
public final class BatchNormFold {
    private BatchNormFold() {}

    /**
     * A zero array to fold into, detached from any open workspace: it is kept across calls.
     *
     * @param type  FLOAT or DOUBLE
     * @param shape the shape of the weight or bias it will hold
     * @return a new dense C-order array of zeros
     * @throws IllegalArgumentException if type is not FLOAT or DOUBLE
     */
    public static INDArray allocate(DataType type, long... shape) {
        Support.checkFloating(type);
        return Nd4j.createUninitializedDetached(type, 'c', shape).assign(0);
    }

    /**
     * Writes {@code foldedW = w * scale} per filter and {@code foldedB = (b - runningMean) * scale + beta}.
     *
     * @param w           filters {@code [F, C, K, K]}
     * @param b           bias {@code [F]}, or null for none (as after an elided bias)
     * @param gamma       BN scale {@code [F]}
     * @param beta        BN shift {@code [F]}
     * @param runningMean {@code [F]}
     * @param runningVar  {@code [F]}
     * @param eps         added to the variance, positive
     * @param foldedW     receives the folded filters, {@code [F, C, K, K]}, dense C order, not w itself
     * @param foldedB     receives the folded bias, {@code [F]}, dense C order
     * @throws IllegalArgumentException on shapes or types that do not fit together, an output that
     *     is not dense C order or is w itself, or eps not positive
     */
    public static void intoConv2d(INDArray w, INDArray b, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double eps, INDArray foldedW, INDArray foldedB) {
        Support.checkRank(w, 4, "w");
        fold(w, 0, b, gamma, beta, runningMean, runningVar, eps, foldedW, foldedB);
    }

    /**
     * Writes {@code foldedW = w * scale} per unit (column) and {@code foldedB = (b - runningMean) * scale + beta}.
     *
     * @param w           weights {@code [I, O]}
     * @param b           bias {@code [O]}, or null for none (as after an elided bias)
     * @param gamma       BN scale {@code [O]}
     * @param beta        BN shift {@code [O]}
     * @param runningMean {@code [O]}
     * @param runningVar  {@code [O]}
     * @param eps         added to the variance, positive
     * @param foldedW     receives the folded weights, {@code [I, O]}, dense C order, not w itself
     * @param foldedB     receives the folded bias, {@code [O]}, dense C order
     * @throws IllegalArgumentException as {@link #intoConv2d} does
     */
    public static void intoDense(INDArray w, INDArray b, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double eps, INDArray foldedW, INDArray foldedB) {
        Support.checkRank(w, 2, "w");
        fold(w, 1, b, gamma, beta, runningMean, runningVar, eps, foldedW, foldedB);
    }

    /** Folds along w's output axis: 0 for Conv2d's filters, 1 for Dense's units. */
    private static void fold(INDArray w, int outputAxis, INDArray b, INDArray gamma, INDArray beta,
            INDArray runningMean, INDArray runningVar, double eps, INDArray foldedW, INDArray foldedB) {
        Support.checkFloating(w, "w");
        long channels = w.size(outputAxis);
        Support.checkNotNull(gamma, "gamma");
        Support.checkNotNull(beta, "beta");
        Support.checkNotNull(runningMean, "runningMean");
        Support.checkNotNull(runningVar, "runningVar");
        Support.checkNotNull(foldedB, "foldedB");
        checkVector(w, gamma, "gamma", channels);
        checkVector(w, beta, "beta", channels);
        checkVector(w, runningMean, "runningMean", channels);
        checkVector(w, runningVar, "runningVar", channels);
        checkVector(w, foldedB, "foldedB", channels);
        if (b != null) {
            checkVector(w, b, "b", channels);
        }
        Support.checkNotNull(foldedW, "foldedW");
        Support.checkSameShape(w, "w", foldedW, "foldedW");
        if (foldedW == w || !Support.isDenseC(foldedW) || !Support.isDenseC(foldedB)) {
            throw new IllegalArgumentException("foldedW and foldedB must be dense C-order arrays other than w");
        }
        BatchNorm.checkEps(eps);

        int c = (int) channels;
        double[] scale = gamma.toDoubleVector();
        double[] shift = beta.toDoubleVector();
        double[] mean = runningMean.toDoubleVector(), var = runningVar.toDoubleVector();
        double[] bias = b == null ? new double[c] : b.toDoubleVector();
        for (int k = 0; k < c; k++) {
            scale[k] /= Math.sqrt(var[k] + eps);
            shift[k] += (bias[k] - mean[k]) * scale[k];
        }

        INDArray wc = Support.denseC(w);
        Buffer from = Segments.buffer(wc), to = Segments.buffer(foldedW);
        int fromOff = (int) wc.offset(), toOff = (int) foldedW.offset();
        if (outputAxis == 0) {
            // [F, C*K*K]: one contiguous run per filter.
            int run = (int) (w.length() / c);
            for (int f = 0; f < c; f++) {
                Segments.affine(from, fromOff + f * run, to, toOff + f * run, run, scale[f], 0.0);
            }
        } else {
            scaleColumns(from, fromOff, to, toOff, (int) w.size(0), c, scale);
        }
        Buffer biasOut = Segments.buffer(foldedB);
        int bOff = (int) foldedB.offset();
        for (int k = 0; k < c; k++) {
            if (biasOut instanceof FloatBuffer fb) {
                fb.put(bOff + k, (float) shift[k]);
            } else {
                ((DoubleBuffer) biasOut).put(bOff + k, shift[k]);
            }
        }
    }

    /** {@code to[i, j] = from[i, j] * scale[j]} over dense {@code [rows, columns]} runs. */
    private static void scaleColumns(Buffer from, int fromOff, Buffer to, int toOff, int rows, int columns,
            double[] scale) {
        if (from instanceof FloatBuffer f) {
            FloatBuffer t = (FloatBuffer) to;
            float[] s = new float[columns];
            for (int j = 0; j < columns; j++) {
                s[j] = (float) scale[j];
            }
            for (int i = 0; i < rows; i++) {
                int row = i * columns;
                for (int j = 0; j < columns; j++) {
                    t.put(toOff + row + j, f.get(fromOff + row + j) * s[j]);
                }
            }
        } else {
            DoubleBuffer d = (DoubleBuffer) from, t = (DoubleBuffer) to;
            for (int i = 0; i < rows; i++) {
                int row = i * columns;
                for (int j = 0; j < columns; j++) {
                    t.put(toOff + row + j, d.get(fromOff + row + j) * scale[j]);
                }
            }
        }
    }

    private static void checkVector(INDArray w, INDArray v, String name, long channels) {
        checkShape(v, name, channels);
        checkSameType(w, v, name);
    }
}
