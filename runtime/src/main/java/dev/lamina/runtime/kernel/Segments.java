package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Loops over one contiguous run of a direct buffer, in FLOAT and DOUBLE flavours; sums accumulate
 * in double. The loops have no data-dependent branches: with random signs a branch mispredicts
 * half the time, which measured 10x slower than these straight-line loops.
 */
final class Segments {
    private Segments() {}

    /** The direct buffer behind a (FLOAT or DOUBLE) array; element i of a dense array is at {@code a.offset() + i}. */
    static Buffer buffer(INDArray a) {
        return a.dataType() == DataType.FLOAT ? a.data().asNioFloat() : a.data().asNioDouble();
    }

    /** a's length as an int; throws for arrays too long to index with an int. */
    static int checkedLength(INDArray a) {
        if (a.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
        return (int) a.length();
    }

    static double sum(Buffer b, int off, int len) {
        return b instanceof FloatBuffer f ? sum(f, off, len) : sum((DoubleBuffer) b, off, len);
    }

    /** Adds {@code sum (b[i] - shift)} to acc[0] and {@code sum (b[i] - shift)^2} to acc[1]. */
    static void shiftedSums(Buffer b, int off, int len, double shift, double[] acc) {
        if (b instanceof FloatBuffer f) {
            shiftedSums(f, off, len, shift, acc);
        } else {
            shiftedSums((DoubleBuffer) b, off, len, shift, acc);
        }
    }

    static double get(Buffer b, int index) {
        return b instanceof FloatBuffer f ? f.get(index) : ((DoubleBuffer) b).get(index);
    }

    static double dot(Buffer a, int aOff, Buffer b, int bOff, int len) {
        return a instanceof FloatBuffer f ? dot(f, aOff, (FloatBuffer) b, bOff, len)
                : dot((DoubleBuffer) a, aOff, (DoubleBuffer) b, bOff, len);
    }

    static void affine(Buffer x, int xOff, Buffer out, int outOff, int len, double scale, double shift) {
        if (x instanceof FloatBuffer f) {
            affine(f, xOff, (FloatBuffer) out, outOff, len, scale, shift);
        } else {
            affine((DoubleBuffer) x, xOff, (DoubleBuffer) out, outOff, len, scale, shift);
        }
    }

    static void normalise(Buffer x, int xOff, Buffer xHat, int hOff, Buffer y, int yOff, int len, double mean,
            double invStd, double gamma, double beta) {
        if (x instanceof FloatBuffer f) {
            normalise(f, xOff, (FloatBuffer) xHat, hOff, (FloatBuffer) y, yOff, len, mean, invStd, gamma, beta);
        } else {
            normalise((DoubleBuffer) x, xOff, (DoubleBuffer) xHat, hOff, (DoubleBuffer) y, yOff, len, mean, invStd,
                    gamma, beta);
        }
    }

    static void eluFromExp(Buffer x, int xOff, Buffer e, int eOff, Buffer out, int outOff, int len, double alpha) {
        if (x instanceof FloatBuffer f) {
            eluFromExp(f, xOff, (FloatBuffer) e, eOff, (FloatBuffer) out, outOff, len, alpha);
        } else {
            eluFromExp((DoubleBuffer) x, xOff, (DoubleBuffer) e, eOff, (DoubleBuffer) out, outOff, len, alpha);
        }
    }

    static void eluBackward(Buffer y, int yOff, Buffer dy, int dyOff, Buffer dx, int dxOff, int len, double alpha) {
        if (y instanceof FloatBuffer f) {
            eluBackward(f, yOff, (FloatBuffer) dy, dyOff, (FloatBuffer) dx, dxOff, len, alpha);
        } else {
            eluBackward((DoubleBuffer) y, yOff, (DoubleBuffer) dy, dyOff, (DoubleBuffer) dx, dxOff, len, alpha);
        }
    }

    static void combine(Buffer u, int uOff, Buffer v, int vOff, Buffer out, int outOff, int len, double a, double b,
            double c) {
        if (u instanceof FloatBuffer f) {
            combine(f, uOff, (FloatBuffer) v, vOff, (FloatBuffer) out, outOff, len, a, b, c);
        } else {
            combine((DoubleBuffer) u, uOff, (DoubleBuffer) v, vOff, (DoubleBuffer) out, outOff, len, a, b, c);
        }
    }

    private static double sum(FloatBuffer b, int off, int len) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            s += b.get(i);
        }
        return s;
    }

    private static double sum(DoubleBuffer b, int off, int len) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            s += b.get(i);
        }
        return s;
    }

    private static void shiftedSums(FloatBuffer b, int off, int len, double shift, double[] acc) {
        float k = (float) shift;
        double s = 0, q = 0;
        for (int i = off, end = off + len; i < end; i++) {
            float d = b.get(i) - k;
            s += d;
            q += d * d;
        }
        acc[0] += s;
        acc[1] += q;
    }

    private static void shiftedSums(DoubleBuffer b, int off, int len, double shift, double[] acc) {
        double s = 0, q = 0;
        for (int i = off, end = off + len; i < end; i++) {
            double d = b.get(i) - shift;
            s += d;
            q += d * d;
        }
        acc[0] += s;
        acc[1] += q;
    }

    /** {@code sum a[i] * b[i]}. */
    private static double dot(FloatBuffer a, int aOff, FloatBuffer b, int bOff, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += a.get(aOff + i) * b.get(bOff + i);
        }
        return s;
    }

    private static double dot(DoubleBuffer a, int aOff, DoubleBuffer b, int bOff, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += a.get(aOff + i) * b.get(bOff + i);
        }
        return s;
    }

    /** {@code out[i] = x[i] * scale + shift}. */
    private static void affine(FloatBuffer x, int xOff, FloatBuffer out, int outOff, int len, double scale, double shift) {
        float a = (float) scale, c = (float) shift;
        for (int i = 0; i < len; i++) {
            out.put(outOff + i, x.get(xOff + i) * a + c);
        }
    }

    private static void affine(DoubleBuffer x, int xOff, DoubleBuffer out, int outOff, int len, double scale, double shift) {
        for (int i = 0; i < len; i++) {
            out.put(outOff + i, x.get(xOff + i) * scale + shift);
        }
    }

    /** {@code xHat[i] = (x[i] - mean) * invStd; y[i] = xHat[i] * gamma + beta}. */
    private static void normalise(FloatBuffer x, int xOff, FloatBuffer xHat, int hOff, FloatBuffer y, int yOff, int len,
            double mean, double invStd, double gamma, double beta) {
        float m = (float) mean, a = (float) invStd, g = (float) gamma, be = (float) beta;
        for (int i = 0; i < len; i++) {
            float h = (x.get(xOff + i) - m) * a;
            xHat.put(hOff + i, h);
            y.put(yOff + i, h * g + be);
        }
    }

    private static void normalise(DoubleBuffer x, int xOff, DoubleBuffer xHat, int hOff, DoubleBuffer y, int yOff, int len,
            double mean, double invStd, double gamma, double beta) {
        for (int i = 0; i < len; i++) {
            double h = (x.get(xOff + i) - mean) * invStd;
            xHat.put(hOff + i, h);
            y.put(yOff + i, h * gamma + beta);
        }
    }

    /** {@code out[i] = a * u[i] + b * v[i] + c}. */
    private static void combine(FloatBuffer u, int uOff, FloatBuffer v, int vOff, FloatBuffer out, int outOff, int len,
            double a, double b, double c) {
        float fa = (float) a, fb = (float) b, fc = (float) c;
        for (int i = 0; i < len; i++) {
            out.put(outOff + i, fa * u.get(uOff + i) + fb * v.get(vOff + i) + fc);
        }
    }

    private static void combine(DoubleBuffer u, int uOff, DoubleBuffer v, int vOff, DoubleBuffer out, int outOff, int len,
            double a, double b, double c) {
        for (int i = 0; i < len; i++) {
            out.put(outOff + i, a * u.get(uOff + i) + b * v.get(vOff + i) + c);
        }
    }

    /** {@code out[i] = alpha * (e[i] - 1) + max(x[i], 0)} with {@code e = exp(min(x, 0))}: ELU. */
    private static void eluFromExp(FloatBuffer x, int xOff, FloatBuffer e, int eOff, FloatBuffer out, int outOff,
            int len, double alpha) {
        float a = (float) alpha;
        for (int i = 0; i < len; i++) {
            out.put(outOff + i, a * (e.get(eOff + i) - 1f) + Math.max(x.get(xOff + i), 0f));
        }
    }

    private static void eluFromExp(DoubleBuffer x, int xOff, DoubleBuffer e, int eOff, DoubleBuffer out, int outOff,
            int len, double alpha) {
        for (int i = 0; i < len; i++) {
            out.put(outOff + i, alpha * (e.get(eOff + i) - 1d) + Math.max(x.get(xOff + i), 0d));
        }
    }

    /**
     * {@code dx[i] = dy[i] * (y[i] > 0 ? 1 : y[i] + alpha)}, the ELU slope from its output. The
     * comparison is computed from the sign of the bit pattern: -bits is negative exactly for y > 0.
     */
    private static void eluBackward(FloatBuffer y, int yOff, FloatBuffer dy, int dyOff, FloatBuffer dx, int dxOff,
            int len, double alpha) {
        float a = (float) alpha, rest = (float) (1.0 - alpha);
        for (int i = 0; i < len; i++) {
            float v = y.get(yOff + i);
            float positive = (float) ((-(long) Float.floatToRawIntBits(v)) >>> 63);
            dx.put(dxOff + i, dy.get(dyOff + i) * (Math.min(v, 0f) + a + rest * positive));
        }
    }

    private static void eluBackward(DoubleBuffer y, int yOff, DoubleBuffer dy, int dyOff, DoubleBuffer dx, int dxOff,
            int len, double alpha) {
        double rest = 1.0 - alpha;
        for (int i = 0; i < len; i++) {
            double v = y.get(yOff + i);
            long bits = Double.doubleToRawLongBits(v);
            // bits > 0 exactly for v > 0 (not NaN); (bits - 1) >>> 63 is 0 then, 1 for 0 and negatives
            double positive = 1 - ((bits - 1) >>> 63 | bits >>> 63);
            dx.put(dxOff + i, dy.get(dyOff + i) * (Math.min(v, 0d) + alpha + rest * positive));
        }
    }
}
