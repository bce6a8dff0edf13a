package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Naive reference implementations in plain Java loops over DOUBLE arrays, for forward-value tests. */
final class Reference {
    private Reference() {}

    /** Direct convolution, zero padding padTop/padLeft, bias may be null. */
    static INDArray conv2d(INDArray x, INDArray w, INDArray b, int stride, int padTop, int padLeft, int outH,
            int outW) {
        return conv2d(x, w, b, stride, stride, padTop, padLeft, outH, outW);
    }

    /** Direct convolution with a {@code [KH, KW]} kernel (w's last two axes) and stride {@code sh x sw}. */
    static INDArray conv2d(INDArray x, INDArray w, INDArray b, int sh, int sw, int padTop, int padLeft, int outH,
            int outW) {
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), wd = (int) x.size(3);
        int f = (int) w.size(0), kh = (int) w.size(2), kw = (int) w.size(3);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, f, outH, outW);
        for (int b0 = 0; b0 < n; b0++) {
            for (int f0 = 0; f0 < f; f0++) {
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        double sum = b == null ? 0 : b.getDouble(f0);
                        for (int c0 = 0; c0 < c; c0++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int r = i * sh - padTop + u, s = j * sw - padLeft + v;
                                    if (r >= 0 && r < h && s >= 0 && s < wd) {
                                        sum += w.getDouble(f0, c0, u, v) * x.getDouble(b0, c0, r, s);
                                    }
                                }
                            }
                        }
                        y.putScalar(new long[] {b0, f0, i, j}, sum);
                    }
                }
            }
        }
        return y;
    }

    /** Max (max = true) or average pooling, square window, no padding, floor. */
    static INDArray pool2d(INDArray x, int size, int stride, boolean max) {
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), wd = (int) x.size(3);
        int outH = (h - size) / stride + 1, outW = (wd - size) / stride + 1;
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, c, outH, outW);
        for (int b0 = 0; b0 < n; b0++) {
            for (int c0 = 0; c0 < c; c0++) {
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int u = 0; u < size; u++) {
                            for (int v = 0; v < size; v++) {
                                double value = x.getDouble(b0, c0, i * stride + u, j * stride + v);
                                acc = max ? Math.max(acc, value) : acc + value;
                            }
                        }
                        y.putScalar(new long[] {b0, c0, i, j}, max ? acc : acc / (size * size));
                    }
                }
            }
        }
        return y;
    }

    /**
     * Max (max = true) or average pooling with any window, stride and padding. The padded cells are
     * skipped: never the maximum, and not counted in the mean (Keras/TensorFlow SAME pooling).
     */
    static INDArray pool2d(INDArray x, PoolGeometry g, boolean max) {
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), wd = (int) x.size(3);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, c, g.outHeight(), g.outWidth());
        for (int b0 = 0; b0 < n; b0++) {
            for (int c0 = 0; c0 < c; c0++) {
                for (int i = 0; i < g.outHeight(); i++) {
                    for (int j = 0; j < g.outWidth(); j++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        int count = 0;
                        for (int u = 0; u < g.windowHeight(); u++) {
                            for (int v = 0; v < g.windowWidth(); v++) {
                                int r = i * g.strideHeight() - g.padTop() + u;
                                int s = j * g.strideWidth() - g.padLeft() + v;
                                if (r < 0 || r >= h || s < 0 || s >= wd) {
                                    continue;
                                }
                                double value = x.getDouble(b0, c0, r, s);
                                acc = max ? Math.max(acc, value) : acc + value;
                                count++;
                            }
                        }
                        y.putScalar(new long[] {b0, c0, i, j}, max ? acc : acc / count);
                    }
                }
            }
        }
        return y;
    }

    /** Per-channel mean over every axis but 1. */
    static double[] channelMean(INDArray x) {
        double[][] values = byChannel(x);
        double[] mean = new double[values.length];
        for (int c = 0; c < values.length; c++) {
            for (double v : values[c]) {
                mean[c] += v;
            }
            mean[c] /= values[c].length;
        }
        return mean;
    }

    /** Per-channel biased (divide by M) variance over every axis but 1. */
    static double[] channelVariance(INDArray x) {
        double[][] values = byChannel(x);
        double[] mean = channelMean(x);
        double[] var = new double[values.length];
        for (int c = 0; c < values.length; c++) {
            for (double v : values[c]) {
                var[c] += (v - mean[c]) * (v - mean[c]);
            }
            var[c] /= values[c].length;
        }
        return var;
    }

    /** {@code y = (x - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c]}. */
    static INDArray batchNorm(INDArray x, double[] mean, double[] var, INDArray gamma, INDArray beta, double eps) {
        INDArray y = x.castTo(DataType.DOUBLE).dup('c');
        long c = x.size(1);
        long inner = x.length() / (x.size(0) * x.size(1));
        INDArray flat = y.reshape(y.length());
        for (long i = 0; i < flat.length(); i++) {
            int ch = (int) ((i / inner) % c);
            double v = (flat.getDouble(i) - mean[ch]) / Math.sqrt(var[ch] + eps) * gamma.getDouble(ch)
                    + beta.getDouble(ch);
            flat.putScalar(i, v);
        }
        return y;
    }

    private static double[][] byChannel(INDArray x) {
        INDArray d = x.castTo(DataType.DOUBLE).dup('c');
        int c = (int) d.size(1);
        long inner = d.length() / (d.size(0) * d.size(1));
        int m = (int) (d.length() / c);
        double[][] values = new double[c][m];
        int[] fill = new int[c];
        double[] flat = d.data().asDouble();
        for (int i = 0; i < flat.length; i++) {
            int ch = (int) ((i / inner) % c);
            values[ch][fill[ch]++] = flat[i];
        }
        return values;
    }
}
