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

    static double sum(Buffer b, int off, int len) {
        return b instanceof FloatBuffer f ? sum(f, off, len) : sum((DoubleBuffer) b, off, len);
    }

    /** {@code sum (b[i] - mean)^2} over the run: the second pass of two-pass statistics. */
    static double centeredSquares(Buffer b, int off, int len, double mean) {
        return b instanceof FloatBuffer f ? centeredSquares(f, off, len, mean)
                : centeredSquares((DoubleBuffer) b, off, len, mean);
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

    static void combine(Buffer u, int uOff, Buffer v, int vOff, Buffer out, int outOff, int len, double a, double b,
            double c) {
        if (u instanceof FloatBuffer f) {
            combine(f, uOff, (FloatBuffer) v, vOff, (FloatBuffer) out, outOff, len, a, b, c);
        } else {
            combine((DoubleBuffer) u, uOff, (DoubleBuffer) v, vOff, (DoubleBuffer) out, outOff, len, a, b, c);
        }
    }

    /**
     * Adds {@code sum (a[i] - shift)} to acc[0] and {@code sum (a[i] - shift)^2} to acc[1] over
     * {@code a[off, off + len)}, in double with four partial sums each (one chain of additions would
     * wait on each add's latency). In double also because a float square overflows for
     * {@code |d| > 1.8e19}, which a diverging run reaches, and an infinite variance would hide the
     * divergence behind BatchNorm.
     */
    static void shiftedSums(float[] a, int off, int len, double shift, double[] acc) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int i = off, end = off + len;
        for (; i + 3 < end; i += 4) {
            double d0 = a[i] - shift, d1 = a[i + 1] - shift, d2 = a[i + 2] - shift, d3 = a[i + 3] - shift;
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            q0 += d0 * d0;
            q1 += d1 * d1;
            q2 += d2 * d2;
            q3 += d3 * d3;
        }
        for (; i < end; i++) {
            double d = a[i] - shift;
            s0 += d;
            q0 += d * d;
        }
        acc[0] += (s0 + s1) + (s2 + s3);
        acc[1] += (q0 + q1) + (q2 + q3);
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

    private static double centeredSquares(FloatBuffer b, int off, int len, double mean) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            double d = b.get(i) - mean;
            s += d * d;
        }
        return s;
    }

    private static double centeredSquares(DoubleBuffer b, int off, int len, double mean) {
        double s = 0;
        for (int i = off, end = off + len; i < end; i++) {
            double d = b.get(i) - mean;
            s += d * d;
        }
        return s;
    }

    /** Adds {@code sum (b[i] - shift)} to acc[0] and {@code sum (b[i] - shift)^2} to acc[1]. */
    static void shiftedSums(DoubleBuffer b, int off, int len, double shift, double[] acc) {
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

    /** Copies the {@code len} values at {@code row[rowOff..]} into each of {@code rows} consecutive rows of out. */
    static void fillRows(Buffer row, int rowOff, Buffer out, int outOff, int rows, int len) {
        if (row instanceof FloatBuffer f) {
            FloatBuffer o = (FloatBuffer) out;
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < len; i++) {
                    o.put(outOff + r * len + i, f.get(rowOff + i));
                }
            }
        } else {
            DoubleBuffer d = (DoubleBuffer) row;
            DoubleBuffer o = (DoubleBuffer) out;
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < len; i++) {
                    o.put(outOff + r * len + i, d.get(rowOff + i));
                }
            }
        }
    }

    /** Adds the column sums of the row-major {@code [rows, len]} matrix at {@code m[mOff..]} to {@code acc[accOff..]}. */
    static void addColumnSums(Buffer m, int mOff, int rows, int len, Buffer acc, int accOff) {
        // Row by row, in memory order, into double sums.
        double[] sums = new double[len];
        if (m instanceof FloatBuffer f) {
            FloatBuffer a = (FloatBuffer) acc;
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < len; i++) {
                    sums[i] += f.get(mOff + r * len + i);
                }
            }
            for (int i = 0; i < len; i++) {
                a.put(accOff + i, (float) (a.get(accOff + i) + sums[i]));
            }
        } else {
            DoubleBuffer d = (DoubleBuffer) m, a = (DoubleBuffer) acc;
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < len; i++) {
                    sums[i] += d.get(mOff + r * len + i);
                }
            }
            for (int i = 0; i < len; i++) {
                a.put(accOff + i, a.get(accOff + i) + sums[i]);
            }
        }
    }
}
