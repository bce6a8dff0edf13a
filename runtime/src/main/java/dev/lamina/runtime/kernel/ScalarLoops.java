package dev.lamina.runtime.kernel;

import dev.lamina.runtime.kernel.BatchNormActivation.Activation;

/**
 * {@link FusedLoops} in plain Java, for JVMs without the Vector API module: the reference that
 * {@code VectorLoops} is tested against. Each operation is written as the vector loops write it (same
 * order of float operations, same selects), so the two differ only in {@code expm1}'s last bit and in
 * the sums of {@link #gateAndSum} and {@link #shiftedSums}, which these loops add in double.
 */
final class ScalarLoops extends FusedLoops {
    static final ScalarLoops INSTANCE = new ScalarLoops();

    private ScalarLoops() {}

    @Override
    String description() {
        return "scalar loops";
    }

    /** In double, as the unfused {@link BatchNorm} sums: the reference for the vector loops' float blocks. */
    @Override
    void shiftedSums(float[] x, int off, int len, float shift, double[] sums) {
        Segments.shiftedSums(x, off, len, shift, sums);
    }

    /** f(z): ReLU {@code max(z, 0)} (NaN stays NaN), LeakyReLU and ELU select on {@code z > 0}. */
    static float activate(float z, Activation f, float p) {
        return switch (f) {
            case RELU -> Math.max(z, 0f);
            case LEAKY_RELU -> z > 0f ? z : z * p;
            case ELU -> z > 0f ? z : p * (float) Math.expm1(z);
        };
    }

    @Override
    void normaliseActivate(float[] x, int xo, int len, float mean, float invStd, float gamma, float beta, Activation f,
            float p, float[] xHat, float[] z, float[] a, int o, MaskHash hash, int index, float[] mask, float[] y) {
        for (int k = 0; k < len; k++) {
            float h = (x[xo + k] - mean) * invStd;
            float zk = h * gamma + beta;
            float ak = activate(zk, f, p);
            xHat[o + k] = h;
            z[o + k] = zk;
            a[o + k] = ak;
            if (hash != null) {
                float m = Dropout.keep(index + k, hash.low(), hash.high(), hash.threshold()) != 0 ? hash.kept() : 0f;
                mask[o + k] = m;
                y[o + k] = ak * m;
            }
        }
    }

    @Override
    void affineActivate(float[] x, int xo, int len, float scale, float shift, Activation f, float p, float[] z,
            float[] a, int o) {
        for (int k = 0; k < len; k++) {
            float zk = x[xo + k] * scale + shift;
            if (z != null) {
                z[o + k] = zk;
            }
            a[o + k] = activate(zk, f, p);
        }
    }

    /**
     * All 32 bits set if {@code act > 0}, else none: the slope is 1 there and the gradient passes as is;
     * elsewhere it is ReLU's 0, LeakyReLU's slope or ELU's {@code a + alpha}. NaN counts as inactive,
     * as in the vector loops' compare.
     */
    static int activeBits(float act) {
        int bits = Float.floatToRawIntBits(act);
        // The sign of -bits & ~bits is set for bits > 0 (positive floats, +inf and NaNs with a clear sign
        // bit), that of bits - 0x7F800001 for bits below the first NaN.
        return (-bits & ~bits & (bits - 0x7F800001)) >> 31;
    }

    @Override
    void gateAndSum(float[] dy, float[] mask, float[] act, int io, int len, Activation f, float p, float[] xHat,
            int ho, float[] g, int go, double[] sums) {
        double s = 0, sh = 0;
        for (int k = 0; k < len; k++) {
            float d = mask == null ? dy[io + k] : dy[io + k] * mask[io + k];
            float a = act[io + k];
            // Selected by bits, without a branch (signs of activations are random: a branch mispredicts).
            int active = activeBits(a);
            float inactive = switch (f) {
                case RELU -> 0f;
                case LEAKY_RELU -> d * p;
                case ELU -> d * (a + p);
            };
            float v = Float.intBitsToFloat(Float.floatToRawIntBits(d) & active
                    | Float.floatToRawIntBits(inactive) & ~active);
            g[go + k] = v;
            s += v;
            sh += v * xHat[ho + k];
        }
        sums[0] += s;
        sums[1] += sh;
    }

    @Override
    void combine(float[] g, int go, float[] xHat, int ho, int len, float a, float b, float c, float[] dx) {
        for (int k = 0; k < len; k++) {
            dx[k] = a * g[go + k] + b * xHat[ho + k] + c;
        }
    }

    @Override
    int convLanes() {
        return 1;
    }

    @Override
    void convolvePlane(float[] xs, int[] taps, int tapCount, int rowStep, float[] w, int wo, float bias, int outH,
            int outW, float[] y) {
        for (int oh = 0; oh < outH; oh++) {
            int xr = oh * rowStep, yr = oh * outW;
            for (int ow = 0; ow < outW; ow++) {
                float acc = bias;
                for (int t = 0; t < tapCount; t++) {
                    acc += xs[taps[t] + xr + ow] * w[wo + t];
                }
                y[yr + ow] = acc;
            }
        }
    }
}
