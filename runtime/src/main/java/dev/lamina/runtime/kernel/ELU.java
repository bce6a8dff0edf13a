package dev.lamina.runtime.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ELU (Clevert, Unterthiner and Hochreiter 2016), elementwise; any shape:
 * {@code y = x} for x > 0, else {@code alpha * (exp(x) - 1)}. Backward uses the output, as PyTorch
 * does: {@code dy/dx = 1} for y > 0, else {@code y + alpha}, so it needs no exp. x, y, dy share one
 * shape; FLOAT or DOUBLE. Inputs are not modified.
 *
 * <p>FLOAT forward, on a JVM that runs the Vector API loops ({@code FusedLoops}): one pass,
 * {@code y = x > 0 ? x : alpha * expm1(x)} with a vectorised expm1. Otherwise branch-free per element,
 * {@code y = alpha * (exp(min(x, 0)) - 1) + max(x, 0)}, the min and exp as libnd4j transforms and the
 * rest as one Java pass: a scalar Java loop calls libm's expm1 per element, which measured slower than
 * libnd4j's vectorised exp. Backward is one Java pass ({@code Elementwise}). libnd4j's own {@code elu} and
 * {@code elu_bp} measured 1.5-3x slower at the seed network's shapes.
 */
public final class ELU {
    private ELU() {}

    /**
     * Forward pass.
     *
     * @param x     input, any shape, FLOAT or DOUBLE
     * @param alpha saturation value for negative inputs
     * @return y = f(x), a new array of x's shape and type
     * @throws IllegalArgumentException if x is not FLOAT or DOUBLE
     */
    public static INDArray forward(INDArray x, double alpha) {
        Support.checkFloating(x, "x");
        INDArray y = Support.newLike(x);
        INDArray xc = Support.denseC(x);
        if (x.dataType() == DataType.FLOAT && !(FusedLoops.get() instanceof ScalarLoops)) {
            forwardOnLoops(xc, y, (float) alpha, FusedLoops.get());
            return y;
        }
        Nd4j.getExecutioner().exec(new ScalarMin(xc, null, y, 0.0));
        Nd4j.getExecutioner().exec(new Exp(y, y));
        // y = alpha * (y - 1) + max(x, 0) in one Java pass, max(x, 0) as (x + |x|) / 2 without a
        // branch: 6.2 ms against 7.5 for three more libnd4j passes at [128, 32, 26, 26] (FLOAT,
        // OMP_WAIT_POLICY=PASSIVE, idle machine), and the same values.
        combine(xc, y, alpha);
        return y;
    }

    private static final int BLOCK = 4096;

    /** y = f(x) for FLOAT in heap blocks ({@link Staging}) on the given loops. */
    static void forwardOnLoops(INDArray x, INDArray y, float alpha, FusedLoops loops) {
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
        int n = (int) x.length();
        int xo = (int) x.offset(), yo = (int) y.offset();
        FloatBuffer xb = x.data().asNioFloat(), yb = y.data().asNioFloat();
        int blocks = (n + BLOCK - 1) / BLOCK;
        Parallel.forRange(blocks, 4L * n, (from, to) -> {
            float[] xs = Staging.floats(0, BLOCK), ys = Staging.floats(1, BLOCK);
            for (int b = from; b < to; b++) {
                int start = b * BLOCK, len = Math.min(BLOCK, n - start);
                xb.get(xo + start, xs, 0, len);
                loops.affineActivate(xs, 0, len, 1f, 0f, BatchNormActivation.Activation.ELU, alpha, null, ys, 0);
                yb.put(yo + start, ys, 0, len);
            }
        });
    }

    private static void combine(INDArray x, INDArray y, double alpha) {
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
        int n = (int) x.length();
        int xo = (int) x.offset(), yo = (int) y.offset();
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = x.data().asNioFloat(), yb = y.data().asNioFloat();
            float a = (float) alpha;
            // In heap blocks (Staging), where the JIT vectorises the loop.
            int blocks = (n + BLOCK - 1) / BLOCK;
            Parallel.forRange(blocks, 2L * n, (from, to) -> {
                float[] xs = Staging.floats(0, BLOCK), ys = Staging.floats(1, BLOCK);
                for (int b = from; b < to; b++) {
                    int start = b * BLOCK, len = Math.min(BLOCK, n - start);
                    xb.get(xo + start, xs, 0, len);
                    yb.get(yo + start, ys, 0, len);
                    for (int i = 0; i < len; i++) {
                        float v = xs[i];
                        ys[i] = a * (ys[i] - 1f) + 0.5f * (v + Math.abs(v));
                    }
                    yb.put(yo + start, ys, 0, len);
                }
            });
        } else {
            DoubleBuffer xb = x.data().asNioDouble(), yb = y.data().asNioDouble();
            Parallel.forRange(n, 2L * n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double v = xb.get(xo + i);
                    yb.put(yo + i, alpha * (yb.get(yo + i) - 1) + 0.5 * (v + Math.abs(v)));
                }
            });
        }
    }

    /**
     * Backward pass.
     *
     * @param x     the forward input (checked for shape only: the derivative depends on y)
     * @param y     the forward output
     * @param dy    dL/dy, y's shape
     * @param alpha the forward pass's alpha
     * @return dL/dx, a new array of x's shape and type
     * @throws IllegalArgumentException if the shapes differ or the type is not FLOAT or DOUBLE
     */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, double alpha) {
        Support.checkFloating(x, "x");
        Support.checkSameShape(x, "x", y, "y");
        Support.checkSameShape(x, "x", dy, "dy");
        // dx = dy for y > 0, else dy * (y + alpha): one Java pass (PyTorch's elu_backward on the result). The
        // four libnd4j ops it replaces cost 0.45 ms at [32, 128], a dispatch each (bench --profile, batch 32).
        INDArray dx = Support.newLike(y);
        Elementwise.apply(dx, (v, len) -> {
            double[] ys = v[0], d = v[1];
            for (int i = 0; i < len; i++) {
                ys[i] = ys[i] > 0 ? d[i] : d[i] * (ys[i] + alpha);
            }
        }, Support.denseC(y), Support.denseC(dy));
        return dx;
    }
}
