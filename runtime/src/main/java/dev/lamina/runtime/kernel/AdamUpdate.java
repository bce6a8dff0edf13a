package dev.lamina.runtime.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One Adam update of one parameter in a single pass over its values (Kingma and Ba 2015, with
 * PyTorch's {@code torch.optim.Adam} placement of eps; {@code dev.lamina.runtime.optim.Adam} owns the
 * semantics and the state). Per element, in double:
 * <pre>
 *   g = grad + weightDecay * p
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   p = p - stepSize * m / (sqrt(v) / sqrtBiasCorrection2 + eps)
 * </pre>
 * The same update as a dozen ND4J ops took 7-12 ms per step over the seed network's 844 K
 * parameters, most of it per-op overhead and repeated passes; FLOAT values are staged through
 * per-thread heap arrays in blocks ({@link Staging}). grad is not modified.
 */
public final class AdamUpdate {
    private AdamUpdate() {}

    private static final int BLOCK = 4096;

    /**
     * Whether {@link #apply} takes these arrays: all dense C order, of one type (FLOAT or DOUBLE) and
     * one length, at most 2^31 - 1 values.
     *
     * @param value the parameter, any shape
     * @param grad  its gradient
     * @param m     its first-moment estimate
     * @param v     its second-moment estimate
     * @return true if all four qualify; otherwise the caller updates with ND4J ops
     */
    public static boolean applies(INDArray value, INDArray grad, INDArray m, INDArray v) {
        DataType type = value.dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE || value.length() > Integer.MAX_VALUE) {
            return false;
        }
        for (INDArray a : new INDArray[] {value, grad, m, v}) {
            if (a.dataType() != type || a.length() != value.length() || !Support.isDenseC(a)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Updates value, m and v in place; grad is only read.
     *
     * @param value               the parameter, updated
     * @param grad                its gradient
     * @param m                   first-moment estimate, updated
     * @param v                   second-moment estimate, updated
     * @param beta1               decay of m, in {@code [0, 1)}
     * @param beta2               decay of v, in {@code [0, 1)}
     * @param stepSize            {@code lr / (1 - beta1^t)} at step t
     * @param sqrtBiasCorrection2 {@code sqrt(1 - beta2^t)}
     * @param eps                 added to the corrected square root of v
     * @param weightDecay         L2 coefficient added to the gradient, 0 for none
     * @throws IllegalArgumentException unless {@link #applies} holds
     */
    public static void apply(INDArray value, INDArray grad, INDArray m, INDArray v, double beta1, double beta2,
            double stepSize, double sqrtBiasCorrection2, double eps, double weightDecay) {
        if (!applies(value, grad, m, v)) {
            throw new IllegalArgumentException("value, grad, m and v must be dense C-order arrays of one "
                    + "floating type and length");
        }
        int n = (int) value.length();
        int po = (int) value.offset(), go = (int) grad.offset(), mo = (int) m.offset(), vo = (int) v.offset();
        int blocks = (n + BLOCK - 1) / BLOCK;
        if (value.dataType() == DataType.FLOAT) {
            FloatBuffer pb = value.data().asNioFloat(), gb = grad.data().asNioFloat();
            FloatBuffer mb = m.data().asNioFloat(), vb = v.data().asNioFloat();
            float wd = (float) weightDecay, b1 = (float) beta1, c1 = (float) (1 - beta1), b2 = (float) beta2;
            float c2 = (float) (1 - beta2), step = (float) stepSize, invSqrt = (float) (1 / sqrtBiasCorrection2);
            float e = (float) eps;
            Parallel.forRange(blocks, 7L * n, (from, to) -> {
                float[] p = Staging.floats(0, BLOCK), g = Staging.floats(1, BLOCK);
                float[] mm = Staging.floats(2, BLOCK), vv = Staging.floats(3, BLOCK);
                for (int block = from; block < to; block++) {
                    int start = block * BLOCK, len = Math.min(BLOCK, n - start);
                    pb.get(po + start, p, 0, len);
                    gb.get(go + start, g, 0, len);
                    mb.get(mo + start, mm, 0, len);
                    vb.get(vo + start, vv, 0, len);
                    // In float, as ND4J's ops computed it: a loop C2 can vectorise (sqrt and division included).
                    for (int i = 0; i < len; i++) {
                        float gi = g[i] + wd * p[i];
                        float mi = b1 * mm[i] + c1 * gi;
                        float vi = b2 * vv[i] + c2 * gi * gi;
                        mm[i] = mi;
                        vv[i] = vi;
                        p[i] -= step * mi / ((float) Math.sqrt(vi) * invSqrt + e);
                    }
                    pb.put(po + start, p, 0, len);
                    mb.put(mo + start, mm, 0, len);
                    vb.put(vo + start, vv, 0, len);
                }
            });
        } else {
            DoubleBuffer pb = value.data().asNioDouble(), gb = grad.data().asNioDouble();
            DoubleBuffer mb = m.data().asNioDouble(), vb = v.data().asNioDouble();
            Parallel.forRange(blocks, 7L * n, (from, to) -> {
                for (int i = from * BLOCK, end = Math.min(n, to * BLOCK); i < end; i++) {
                    double p = pb.get(po + i);
                    double g = gb.get(go + i) + weightDecay * p;
                    double mi = beta1 * mb.get(mo + i) + (1 - beta1) * g;
                    double vi = beta2 * vb.get(vo + i) + (1 - beta2) * g * g;
                    mb.put(mo + i, mi);
                    vb.put(vo + i, vi);
                    pb.put(po + i, p - stepSize * mi / (Math.sqrt(vi) / sqrtBiasCorrection2 + eps));
                }
            });
        }
    }
}
