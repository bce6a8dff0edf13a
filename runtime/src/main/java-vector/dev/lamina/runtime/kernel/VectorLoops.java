package dev.lamina.runtime.kernel;

import dev.lamina.runtime.kernel.BatchNormActivation.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FusedLoops} on the JDK's Vector API, in the preferred float species of the machine (512 bits
 * with AVX-512), each loop followed by {@link ScalarLoops} for the tail. The only class compiled
 * against {@code jdk.incubator.vector}; {@link FusedLoops} loads it by name when the module is present.
 *
 * <p>{@code expm1} is the JDK's {@link VectorOperators#EXPM1}, which HotSpot compiles to a vectorised
 * math library on x86 (Intel SVML; measured within 1.2e-7 relative of {@code Math.expm1} on the seed
 * network's activations) and to per-lane {@code Math.expm1} where it has none. The dropout hash is
 * {@link Dropout#keep} in 32-bit integer lanes, so masks equal {@link Dropout#sampleMask}'s bit for bit.
 *
 * <p>No method here takes or returns a vector: each vector lives inside one method. JDK 17's C2 passes a
 * vector to or from a method it does not inline as a boxed object, a heap allocation per vector, and it
 * declines to inline a method that it has already compiled on its own into more than
 * {@code InlineSmallCode} bytes, which depends on the order in which methods got hot. With the former
 * helpers for the activation and the dropout mask kept out of line
 * ({@code -XX:CompileCommand=dontinline,...}), the seed network's training step at batch 64 allocated
 * 21.9 MB of heap per step instead of 0.34 MB ({@code SteadyStateAllocationTest}); a CI run without the
 * flag failed the same way.
 */
final class VectorLoops extends FusedLoops {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final ScalarLoops TAIL = ScalarLoops.INSTANCE;
    /**
     * Vectors a float lane sums before its partial sum is folded into a double: each lane then adds at
     * most 16 terms, so a block's relative rounding stays near 16 * 2^-24 whatever the run's length.
     */
    private static final int BLOCK = 16;

    /**
     * @throws UnsupportedOperationException if the preferred vector holds fewer than 4 floats
     */
    VectorLoops() {
        if (F.length() < 4) {
            throw new UnsupportedOperationException("the preferred vector holds " + F.length() + " floats");
        }
    }

    @Override
    String description() {
        return "Vector API, " + F.vectorBitSize() + "-bit vectors (" + F.length() + " floats)";
    }

    @Override
    void shiftedSums(float[] x, int off, int len, float shift, double[] sums) {
        int step = F.length(), k = 0, end = F.loopBound(len);
        double s = 0, q = 0;
        while (k < end) {
            // Two chains of float lanes per block, so that the adds do not wait on each other.
            int blockEnd = Math.min(end, k + 2 * BLOCK * step);
            FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
            for (; k + step < blockEnd; k += 2 * step) {
                FloatVector d0 = FloatVector.fromArray(F, x, off + k).sub(shift);
                FloatVector d1 = FloatVector.fromArray(F, x, off + k + step).sub(shift);
                s0 = s0.add(d0);
                s1 = s1.add(d1);
                // mul and add, not fma: the Vector API's fma is per-lane Math.fma on CPUs without FMA.
                q0 = q0.add(d0.mul(d0));
                q1 = q1.add(d1.mul(d1));
            }
            if (k < blockEnd) {
                FloatVector d0 = FloatVector.fromArray(F, x, off + k).sub(shift);
                s0 = s0.add(d0);
                q0 = q0.add(d0.mul(d0));
                k += step;
            }
            s += s0.add(s1).reduceLanes(VectorOperators.ADD);
            q += q0.add(q1).reduceLanes(VectorOperators.ADD);
        }
        sums[0] += s;
        sums[1] += q;
        TAIL.shiftedSums(x, off + k, len - k, shift, sums);
    }

    @Override
    void normaliseActivate(float[] x, int xo, int len, float mean, float invStd, float gamma, float beta, Activation f,
            float p, float[] xHat, float[] z, float[] a, int o, MaskHash hash, int index, float[] mask, float[] y) {
        int k = 0;
        for (int end = F.loopBound(len); k < end; k += F.length()) {
            FloatVector h = FloatVector.fromArray(F, x, xo + k).sub(mean).mul(invStd);
            FloatVector zk = h.mul(gamma).add(beta);
            // The activation and the mask are written out here, not in helper methods: a helper that C2 does
            // not inline (it may have compiled it on its own first, too big to inline) gets and returns its
            // vectors boxed, a heap allocation per vector (the class comment).
            FloatVector ak = switch (f) {
                case RELU -> zk.max(0f);
                case LEAKY_RELU -> zk.blend(zk.mul(p), zk.compare(VectorOperators.GT, 0f).not());
                case ELU -> zk.blend(zk.lanewise(VectorOperators.EXPM1).mul(p),
                        zk.compare(VectorOperators.GT, 0f).not());
            };
            h.intoArray(xHat, o + k);
            zk.intoArray(z, o + k);
            ak.intoArray(a, o + k);
            if (hash != null) {
                // Dropout.keep's hash of elements [index + k, index + k + F.length()) in int lanes.
                IntVector u = IntVector.zero(I).addIndex(1).add(index + k + hash.low()).mul(0x9E3779B9)
                        .lanewise(VectorOperators.XOR, hash.high());
                u = u.lanewise(VectorOperators.XOR, u.lanewise(VectorOperators.LSHR, 16)).mul(0x85EBCA6B);
                u = u.lanewise(VectorOperators.XOR, u.lanewise(VectorOperators.LSHR, 13)).mul(0xC2B2AE35);
                u = u.lanewise(VectorOperators.XOR, u.lanewise(VectorOperators.LSHR, 16));
                VectorMask<Float> keep = u.lanewise(VectorOperators.LSHR, 8)
                        .compare(VectorOperators.LT, hash.threshold()).cast(F);
                FloatVector m = FloatVector.zero(F).blend(hash.kept(), keep);
                m.intoArray(mask, o + k);
                ak.mul(m).intoArray(y, o + k);
            }
        }
        TAIL.normaliseActivate(x, xo + k, len - k, mean, invStd, gamma, beta, f, p, xHat, z, a, o + k, hash,
                index + k, mask, y);
    }

    @Override
    void affineActivate(float[] x, int xo, int len, float scale, float shift, Activation f, float p, float[] z,
            float[] a, int o) {
        int k = 0;
        for (int end = F.loopBound(len); k < end; k += F.length()) {
            FloatVector zk = FloatVector.fromArray(F, x, xo + k).mul(scale).add(shift);
            if (z != null) {
                zk.intoArray(z, o + k);
            }
            // Written out as in normaliseActivate, not in a helper taking vectors.
            FloatVector ak = switch (f) {
                case RELU -> zk.max(0f);
                case LEAKY_RELU -> zk.blend(zk.mul(p), zk.compare(VectorOperators.GT, 0f).not());
                case ELU -> zk.blend(zk.lanewise(VectorOperators.EXPM1).mul(p),
                        zk.compare(VectorOperators.GT, 0f).not());
            };
            ak.intoArray(a, o + k);
        }
        TAIL.affineActivate(x, xo + k, len - k, scale, shift, f, p, z, a, o + k);
    }

    @Override
    void gateAndSum(float[] dy, float[] mask, float[] act, int io, int len, Activation f, float p, float[] xHat,
            int ho, float[] g, int go, double[] sums) {
        int k = 0, end = F.loopBound(len);
        double total = 0, totalH = 0;
        while (k < end) {
            // Float lanes over a block of BLOCK vectors, folded into double, as in shiftedSums.
            int blockEnd = Math.min(end, k + BLOCK * F.length());
            FloatVector s = FloatVector.zero(F), sh = FloatVector.zero(F);
            for (; k < blockEnd; k += F.length()) {
                FloatVector d = FloatVector.fromArray(F, dy, io + k);
                if (mask != null) {
                    d = d.mul(FloatVector.fromArray(F, mask, io + k));
                }
                FloatVector ak = FloatVector.fromArray(F, act, io + k);
                VectorMask<Float> inactive = ak.compare(VectorOperators.GT, 0f).not();
                FloatVector v = switch (f) {
                    case RELU -> d.blend(0f, inactive);
                    case LEAKY_RELU -> d.blend(d.mul(p), inactive);
                    case ELU -> d.blend(d.mul(ak.add(p)), inactive);
                };
                v.intoArray(g, go + k);
                s = s.add(v);
                sh = sh.add(v.mul(FloatVector.fromArray(F, xHat, ho + k)));
            }
            total += s.reduceLanes(VectorOperators.ADD);
            totalH += sh.reduceLanes(VectorOperators.ADD);
        }
        sums[0] += total;
        sums[1] += totalH;
        TAIL.gateAndSum(dy, mask, act, io + k, len - k, f, p, xHat, ho + k, g, go + k, sums);
    }

    @Override
    void combine(float[] g, int go, float[] xHat, int ho, int len, float a, float b, float c, float[] dx) {
        int k = 0;
        for (int end = F.loopBound(len); k < end; k += F.length()) {
            FloatVector.fromArray(F, g, go + k).mul(a).add(FloatVector.fromArray(F, xHat, ho + k).mul(b)).add(c)
                    .intoArray(dx, k);
        }
        for (; k < len; k++) {
            dx[k] = a * g[go + k] + b * xHat[ho + k] + c;
        }
    }

    @Override
    int convLanes() {
        return F.length();
    }

    /**
     * Vectors along the output row, the weights broadcast: each output element adds its taps in the
     * scalar loops' order. Excess lanes of a row's last vector land past the row's end,
     * where the next row overwrites them (rows go in order).
     */
    @Override
    void convolvePlane(float[] xs, int[] taps, int tapCount, int rowStep, float[] w, int wo, float bias, int outH,
            int outW, float[] y) {
        int step = F.length();
        if (tapCount == 9) {
            convolvePlane9(xs, taps, rowStep, w, wo, bias, outH, outW, y);
            return;
        }
        // Taps outer, the row's vectors inner, the sums kept in y (first-level cache): an accumulator vector
        // carried across the taps loop's back edge was boxed by JDK 17's C2 once the method had been profiled
        // on varied shapes (a heap allocation per vector). Each element still adds its taps in order, so the
        // bits equal the scalar loops'.
        for (int oh = 0; oh < outH; oh++) {
            int xr = oh * rowStep, yr = oh * outW;
            for (int ow = 0; ow < outW; ow += step) {
                FloatVector.broadcast(F, bias).intoArray(y, yr + ow);
            }
            for (int t = 0; t < tapCount; t++) {
                int xt = taps[t] + xr;
                float wt = w[wo + t];
                for (int ow = 0; ow < outW; ow += step) {
                    FloatVector.fromArray(F, y, yr + ow).add(FloatVector.fromArray(F, xs, xt + ow).mul(wt))
                            .intoArray(y, yr + ow);
                }
            }
        }
    }

    /**
     * {@link #convolvePlane} for 9 taps (one channel, 3 x 3: a grayscale first layer) with the taps written
     * out, so the sum stays in a register without a loop-carried vector (see above); same order, same bits.
     */
    private static void convolvePlane9(float[] xs, int[] taps, int rowStep, float[] w, int wo, float bias, int outH,
            int outW, float[] y) {
        int step = F.length();
        int t0 = taps[0], t1 = taps[1], t2 = taps[2], t3 = taps[3], t4 = taps[4], t5 = taps[5], t6 = taps[6],
                t7 = taps[7], t8 = taps[8];
        float w0 = w[wo], w1 = w[wo + 1], w2 = w[wo + 2], w3 = w[wo + 3], w4 = w[wo + 4], w5 = w[wo + 5],
                w6 = w[wo + 6], w7 = w[wo + 7], w8 = w[wo + 8];
        for (int oh = 0; oh < outH; oh++) {
            int xr = oh * rowStep, yr = oh * outW;
            for (int ow = 0; ow < outW; ow += step) {
                int at = xr + ow;
                FloatVector.broadcast(F, bias)
                        .add(FloatVector.fromArray(F, xs, t0 + at).mul(w0))
                        .add(FloatVector.fromArray(F, xs, t1 + at).mul(w1))
                        .add(FloatVector.fromArray(F, xs, t2 + at).mul(w2))
                        .add(FloatVector.fromArray(F, xs, t3 + at).mul(w3))
                        .add(FloatVector.fromArray(F, xs, t4 + at).mul(w4))
                        .add(FloatVector.fromArray(F, xs, t5 + at).mul(w5))
                        .add(FloatVector.fromArray(F, xs, t6 + at).mul(w6))
                        .add(FloatVector.fromArray(F, xs, t7 + at).mul(w7))
                        .add(FloatVector.fromArray(F, xs, t8 + at).mul(w8))
                        .intoArray(y, yr + ow);
            }
        }
    }
}
