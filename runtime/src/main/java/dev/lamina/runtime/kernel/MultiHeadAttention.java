package dev.lamina.runtime.kernel;

import static dev.lamina.runtime.kernel.Support.checkSameType;
import static dev.lamina.runtime.kernel.Support.checkShape;

import java.nio.Buffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-head self-attention with input and output projections (Vaswani et al. 2017, "Attention Is
 * All You Need", arXiv 1706.03762, section 3.2), as PyTorch's {@code nn.MultiheadAttention(D, H,
 * bias=True, batch_first=True)} called with {@code query = key = value = x}, except that the four
 * projections are given separately and in the {@code y = x W + b} layout of {@link Dense} (W is
 * {@code [in, out]}, the transpose of PyTorch's {@code in_proj_weight} blocks).
 *
 * <p>Shapes: x and y {@code [N, T, D]} (batch N, tokens T, width D); H heads of width
 * {@code d = D / H}; weights {@code [D, D]}, biases {@code [D]} (or null for none). Head h owns the
 * features {@code [h d, (h + 1) d)} of Q, K, V and of the concatenated head outputs:
 * <pre>
 *   Q = x Wq + bq,   K = x Wk + bk,   V = x Wv + bv                      [N, T, D] each
 *   S_h = Q_h K_h^T / sqrt(d)      (+ -inf above the diagonal if causal)  [N, H, T, T]
 *   P_h = softmax(S_h) over the last axis (the keys)
 *   A_h = P_h * mask_h             (attention dropout; A = P without a mask)
 *   O_h = A_h V_h                                                         [N, H, T, d]
 *   y = concat_h(O_h) Wo + bo                                             [N, T, D]
 * </pre>
 * With {@code causal}, position t attends to positions {@code t' <= t} only (a decoder's mask). The
 * dropout mask is the caller's: {@code [N, H, T, T]} of x's type holding 0 or {@code 1 / (1 - rate)}
 * (inverted dropout, as {@link Dropout#sampleMask} draws it for the shape {@code {N, H, T, T}}), or
 * null for none (inference, or rate 0). Sequences in a batch share one length T; shorter ones can be
 * padded and their padding hidden from the keys by the overload that takes a {@code keyMask}.
 *
 * <p>Implementation: the projections are gemms over {@code [N*T, D]} ({@link Dense}); the heads are
 * copied to {@code [N*H, T, d]} blocks in Java (the 1/sqrt(d) scale folded into Q's copy) and the two
 * products per head run as libnd4j's batched {@code matmul} over the N*H heads; the softmax over
 * rows of {@code [N*H*T, T]}, with the causal limit and the dropout mask fused in, and its backward are
 * Java loops in double over per-thread row blocks. Temporaries that do not outlive a call (head outputs,
 * the backward pass's per-head gradients) live in per-thread scratch buffers. FLOAT or DOUBLE;
 * all arrays share x's type. Inputs are not modified.
 */
public final class MultiHeadAttention {
    private MultiHeadAttention() {}

    /** What {@link #forward} keeps for {@link #backward}. The arrays belong to the kernel; do not modify them. */
    public static final class Cache {
        /** The input as {@code [N*T, D]}: x itself (reshaped) when x is dense, else a dense copy. */
        public INDArray x2;
        /** Q / sqrt(d) per head, {@code [N*H, T, d]}. */
        public INDArray q;
        /** K per head, {@code [N*H, T, d]}. */
        public INDArray k;
        /** V per head, {@code [N*H, T, d]}. */
        public INDArray v;
        /** Attention weights P = softmax(S), {@code [N*H, T, T]}. */
        public INDArray p;
        /** P times the dropout mask, {@code [N*H, T, T]}; P itself without a mask. */
        public INDArray a;
        /** The dropout mask as {@code [N*H, T, T]}, or null. */
        public INDArray mask;
        /** The concatenated head outputs, the output projection's input, {@code [N*T, D]}. */
        public INDArray o2;
        /** The number of heads H. */
        public int heads;

        /** An empty cache, for {@link #forward} to fill. */
        public Cache() {}
    }

    /**
     * Forward pass.
     *
     * @param x           input {@code [N, T, D]}, FLOAT or DOUBLE
     * @param wq          query projection {@code [D, D]}
     * @param bq          query bias {@code [D]}, or null
     * @param wk          key projection {@code [D, D]}
     * @param bk          key bias {@code [D]}, or null
     * @param wv          value projection {@code [D, D]}
     * @param bv          value bias {@code [D]}, or null
     * @param wo          output projection {@code [D, D]}
     * @param bo          output bias {@code [D]}, or null
     * @param heads       H, at least 1, dividing D
     * @param causal      true to let position t attend to positions {@code <= t} only
     * @param dropoutMask {@code [N, H, T, T]} of 0 and {@code 1 / (1 - rate)}, applied to the attention
     *     weights, or null for no dropout
     * @param cache       receives what {@link #backward} needs (it refers to x); null when no backward
     *     pass follows
     * @return y {@code [N, T, D]}, a new array of x's type
     * @throws IllegalArgumentException if x is not {@code [N, T, D]}, H does not divide D (or is below
     *     1), a weight is not {@code [D, D]}, a bias not {@code [D]}, the mask not {@code [N, H, T, T]},
     *     or the types differ
     */
    public static INDArray forward(INDArray x, INDArray wq, INDArray bq, INDArray wk, INDArray bk, INDArray wv,
            INDArray bv, INDArray wo, INDArray bo, int heads, boolean causal, INDArray dropoutMask, Cache cache) {
        return forward(x, wq, bq, wk, bk, wv, bv, wo, bo, heads, causal, null, dropoutMask, cache);
    }

    /**
     * Forward pass with a key padding mask: as
     * {@link #forward(INDArray, INDArray, INDArray, INDArray, INDArray, INDArray, INDArray, INDArray, INDArray, int, boolean, INDArray, Cache)},
     * except that no query attends to the keys (tokens) that {@code keyMask} marks as padding, as PyTorch's
     * {@code key_padding_mask} (with the opposite polarity: here nonzero means a real token). A query with no
     * key left to attend to (a causal query before the first real token) gets all-zero weights, so its head
     * outputs are 0 and its output is the output bias (PyTorch gives NaN there). Padded positions still
     * produce outputs; the loss should ignore them.
     *
     * @param x           input {@code [N, T, D]}, FLOAT or DOUBLE
     * @param wq          query projection {@code [D, D]}
     * @param bq          query bias {@code [D]}, or null
     * @param wk          key projection {@code [D, D]}
     * @param bk          key bias {@code [D]}, or null
     * @param wv          value projection {@code [D, D]}
     * @param bv          value bias {@code [D]}, or null
     * @param wo          output projection {@code [D, D]}
     * @param bo          output bias {@code [D]}, or null
     * @param heads       H, at least 1, dividing D
     * @param causal      true to let position t attend to positions {@code <= t} only
     * @param keyMask     {@code [N, T]} of any numeric type: nonzero for a real token, 0 for padding; or null
     *     for none
     * @param dropoutMask {@code [N, H, T, T]} of 0 and {@code 1 / (1 - rate)}, or null for no dropout
     * @param cache       receives what {@link #backward} needs; null when no backward pass follows
     * @return y {@code [N, T, D]}, a new array of x's type
     * @throws IllegalArgumentException as the method without keyMask, or if keyMask is not {@code [N, T]}
     */
    public static INDArray forward(INDArray x, INDArray wq, INDArray bq, INDArray wk, INDArray bk, INDArray wv,
            INDArray bv, INDArray wo, INDArray bo, int heads, boolean causal, INDArray keyMask, INDArray dropoutMask,
            Cache cache) {
        checkInput(x, heads);
        long n = x.size(0), t = x.size(1), dm = x.size(2);
        checkWeights(x, wq, bq, wk, bk, wv, bv, wo, bo);
        if (dropoutMask != null) {
            checkShape(dropoutMask, "dropoutMask", n, heads, t, t);
            checkSameType(x, dropoutMask, "dropoutMask");
        }
        boolean[] keep = null;
        if (keyMask != null) {
            checkShape(keyMask, "keyMask", n, t);
            keep = new boolean[(int) (n * t)];
            double[] flags = Support.denseC(keyMask).reshape(n * t).toDoubleVector();
            for (int i = 0; i < keep.length; i++) {
                keep[i] = flags[i] != 0;
            }
        }
        int hd = (int) (dm / heads);
        INDArray x2 = Support.denseC(x).reshape('c', n * t, dm);

        INDArray q = heads(Dense.forward(x2, wq, bq), n, t, heads, hd, 1.0 / Math.sqrt(hd));
        INDArray k = heads(Dense.forward(x2, wk, bk), n, t, heads, hd, 1.0);
        INDArray v = heads(Dense.forward(x2, wv, bv), n, t, heads, hd, 1.0);
        long b = n * heads;
        INDArray p = Support.newArray(x.dataType(), b, t, t);
        Nd4j.matmul(q, k, p, false, true, false);
        INDArray mask = dropoutMask == null ? null : Support.denseC(dropoutMask).reshape('c', b, t, t);
        INDArray a = mask == null ? p : Support.newLike(p);
        softmax(p, mask, a, (int) t, heads, causal, keep);
        INDArray o = Scratch.get(Scratch.Slot.HEAD_OUTPUTS, x.dataType(), b, t, hd);
        Nd4j.matmul(a, v, o, false, false, false);
        INDArray o2 = merge(o, n, t, heads, hd, 1.0);
        INDArray y = Dense.forward(o2, wo, bo).reshape('c', n, t, dm);
        if (cache != null) {
            cache.x2 = x2;
            cache.q = q;
            cache.k = k;
            cache.v = v;
            cache.p = p;
            cache.a = a;
            cache.mask = mask;
            cache.o2 = o2;
            cache.heads = heads;
        }
        return y;
    }

    /**
     * Backward pass: accumulates the eight parameter gradients, returns dL/dx.
     *
     * @param dy            dL/dy {@code [N, T, D]}
     * @param wq            the forward pass's query projection {@code [D, D]}
     * @param wk            the forward pass's key projection {@code [D, D]}
     * @param wv            the forward pass's value projection {@code [D, D]}
     * @param wo            the forward pass's output projection {@code [D, D]}
     * @param cache         as filled by the matching {@link #forward}
     * @param dWq           accumulator {@code [D, D]}, updated in place
     * @param dBq           accumulator {@code [D]}, updated in place, or null (no bias)
     * @param dWk           accumulator {@code [D, D]}, updated in place
     * @param dBk           accumulator {@code [D]}, updated in place, or null
     * @param dWv           accumulator {@code [D, D]}, updated in place
     * @param dBv           accumulator {@code [D]}, updated in place, or null
     * @param dWo           accumulator {@code [D, D]}, updated in place
     * @param dBo           accumulator {@code [D]}, updated in place, or null
     * @param needInputGrad false skips dL/dx (attention as the first layer)
     * @return dL/dx {@code [N, T, D]}, a new array, or null when {@code needInputGrad} is false
     * @throws IllegalStateException if cache was not filled by {@link #forward}
     * @throws IllegalArgumentException if dy, a weight or an accumulator does not fit the cached
     *     forward pass in shape or type
     */
    public static INDArray backward(INDArray dy, INDArray wq, INDArray wk, INDArray wv, INDArray wo, Cache cache,
            INDArray dWq, INDArray dBq, INDArray dWk, INDArray dBk, INDArray dWv, INDArray dBv, INDArray dWo,
            INDArray dBo, boolean needInputGrad) {
        Support.checkNotNull(cache, "cache");
        if (cache.x2 == null || cache.p == null) {
            throw new IllegalStateException("MultiHeadAttention.backward needs a cache filled by forward");
        }
        INDArray x2 = cache.x2;
        int heads = cache.heads;
        long b = cache.p.size(0), t = cache.p.size(1), n = b / heads, dm = x2.size(1);
        int hd = (int) (dm / heads);
        checkShape(dy, "dy", n, t, dm);
        checkSameType(x2, dy, "dy");
        checkWeights(x2, wq, null, wk, null, wv, null, wo, null);

        INDArray dy2 = Support.denseC(dy).reshape('c', n * t, dm);
        // The temporaries below live in this thread's scratch buffers: none outlives the call.
        DataType type = x2.dataType();
        INDArray dO = Scratch.get(Scratch.Slot.HEAD_OUTPUTS, type, b, t, hd);
        split(Dense.backward(cache.o2, wo, dy2, dWo, dBo, true), dO, n, t, heads, hd, 1.0);
        // O = A V: dA = dO V^T, dV = A^T dO
        INDArray dA = Scratch.get(Scratch.Slot.HEAD_SCORES, type, b, t, t);
        Nd4j.matmul(dO, cache.v, dA, false, true, false);
        INDArray dV = Scratch.get(Scratch.Slot.HEAD_DV, type, b, t, hd);
        Nd4j.matmul(cache.a, dO, dV, true, false, false);
        INDArray dS = softmaxBackward(cache.p, cache.mask, dA, (int) t);
        // S = (Q / sqrt d) K^T: d(Q / sqrt d) = dS K, dK = dS^T (Q / sqrt d)
        INDArray dQ = Scratch.get(Scratch.Slot.HEAD_DQ, type, b, t, hd);
        Nd4j.matmul(dS, cache.k, dQ, false, false, false);
        INDArray dK = Scratch.get(Scratch.Slot.HEAD_DK, type, b, t, hd);
        Nd4j.matmul(dS, cache.q, dK, true, false, false);

        INDArray dQ2 = Scratch.get(Scratch.Slot.MERGED_DQ, type, n * t, dm);
        permute(dQ, dQ2, (int) n, (int) t, heads, hd, 1.0 / Math.sqrt(hd), false);
        INDArray dK2 = Scratch.get(Scratch.Slot.MERGED_DK, type, n * t, dm);
        permute(dK, dK2, (int) n, (int) t, heads, hd, 1.0, false);
        INDArray dV2 = Scratch.get(Scratch.Slot.MERGED_DV, type, n * t, dm);
        permute(dV, dV2, (int) n, (int) t, heads, hd, 1.0, false);
        Dense.backward(x2, wq, dQ2, dWq, dBq, false);
        Dense.backward(x2, wk, dK2, dWk, dBk, false);
        Dense.backward(x2, wv, dV2, dWv, dBv, false);
        if (!needInputGrad) {
            return null;
        }
        INDArray dx = Support.newArray(x2.dataType(), n, t, dm);
        INDArray dx2 = dx.reshape('c', n * t, dm);
        Nd4j.gemm(dQ2, wq, dx2, false, true, 1.0, 0.0);
        Nd4j.gemm(dK2, wk, dx2, false, true, 1.0, 1.0);
        Nd4j.gemm(dV2, wv, dx2, false, true, 1.0, 1.0);
        return dx;
    }

    /** {@code [N*T, D]} (row n*T + t, head h at features [h d, (h+1) d)) to {@code [N*H, T, d]}, times scale. */
    static INDArray heads(INDArray m, long n, long t, int heads, int hd, double scale) {
        INDArray out = Support.newArray(m.dataType(), n * heads, t, hd);
        split(m, out, n, t, heads, hd, scale);
        return out;
    }

    /** As {@link #heads}, into {@code out} {@code [N*H, T, d]} (dense, C order). */
    private static void split(INDArray m, INDArray out, long n, long t, int heads, int hd, double scale) {
        permute(Support.denseC(m), out, (int) n, (int) t, heads, hd, scale, true);
    }

    /** The inverse of {@link #heads}: {@code [N*H, T, d]} to {@code [N*T, D]}, times scale. */
    static INDArray merge(INDArray h, long n, long t, int heads, int hd, double scale) {
        INDArray out = Support.newArray(h.dataType(), n * t, (long) heads * hd);
        permute(Support.denseC(h), out, (int) n, (int) t, heads, hd, scale, false);
        return out;
    }

    /**
     * Per example, {@code [T, H, d]} to {@code [H, T, d]} (split) or back (merge), scaled: one example's
     * block of T*D values is contiguous in both layouts.
     */
    private static void permute(INDArray src, INDArray dst, int n, int t, int heads, int hd, double scale,
            boolean split) {
        int block = t * heads * hd;
        Buffer sb = Segments.buffer(src), db = Segments.buffer(dst);
        int so = (int) src.offset(), dOff = (int) dst.offset();
        Parallel.forRange(n, 2L * n * block, (from, to) -> {
            for (int e = from; e < to; e++) {
                double[] in = Rows.read(sb, so + e * block, block, 0);
                double[] out = Staging.doubles(1, block);
                for (int pos = 0; pos < t; pos++) {
                    for (int h = 0; h < heads; h++) {
                        // token-major index (pos, h, j) and head-major index (h, pos, j)
                        int tm = (pos * heads + h) * hd, hm = (h * t + pos) * hd;
                        int from2 = split ? tm : hm, to2 = split ? hm : tm;
                        for (int j = 0; j < hd; j++) {
                            out[to2 + j] = in[from2 + j] * scale;
                        }
                    }
                }
                Rows.write(db, dOff + e * block, out, block, 1);
            }
        });
    }

    /** Rows of T per unit of parallel work, aiming at a few thousand values per block. */
    private static int rowsPerBlock(int t) {
        return Math.max(1, 4096 / t);
    }

    /**
     * In place over the rows of s ({@code [N*H, T, T]}, row r being query {@code r % T}): the
     * numerically stable softmax (row maximum subtracted), over keys {@code <= r % T} only when causal
     * (the rest get weight 0, as with PyTorch's -inf mask) and over the keys {@code keep} marks (if given),
     * and {@code a = s * mask} when a mask is given.
     * In Java: the rows are short, and libnd4j's softmax and broadcast ops, each a separate pass with
     * its own OpenMP fork, stalled for milliseconds on a busy machine.
     */
    private static void softmax(INDArray s, INDArray mask, INDArray a, int t, int heads, boolean causal,
            boolean[] keep) {
        int rows = (int) (s.length() / t), per = rowsPerBlock(t), blocks = (rows + per - 1) / per;
        Buffer sb = Segments.buffer(s), ab = Segments.buffer(a), mb = mask == null ? null : Segments.buffer(mask);
        int so = (int) s.offset(), ao = (int) a.offset(), mo = mask == null ? 0 : (int) mask.offset();
        Parallel.forRange(blocks, 4L * s.length(), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int r0 = blk * per, r1 = Math.min(rows, r0 + per), len = (r1 - r0) * t, at = r0 * t;
                double[] v = Rows.read(sb, so + at, len, 0);
                for (int r = r0; r < r1; r++) {
                    int o = (r - r0) * t, keys = causal ? r % t + 1 : t;
                    if (keep != null) {
                        maskedRow(v, o, t, keys, keep, (r / (heads * t)) * t);
                        continue;
                    }
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < keys; j++) {
                        max = Math.max(max, v[o + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < keys; j++) {
                        double e = Math.exp(v[o + j] - max);
                        v[o + j] = e;
                        sum += e;
                    }
                    double inv = 1.0 / sum;
                    for (int j = 0; j < keys; j++) {
                        v[o + j] *= inv;
                    }
                    for (int j = keys; j < t; j++) {
                        v[o + j] = 0;
                    }
                }
                Rows.write(sb, so + at, v, len, 0);
                if (mb != null) {
                    double[] m = Rows.read(mb, mo + at, len, 1);
                    for (int i = 0; i < len; i++) {
                        m[i] *= v[i];
                    }
                    Rows.write(ab, ao + at, m, len, 1);
                }
            }
        });
    }

    /**
     * The softmax of one row {@code v[o, o + t)} over the keys j below {@code keys} with
     * {@code keep[first + j]}; weight 0 elsewhere, and all weights 0 when no key is left.
     */
    private static void maskedRow(double[] v, int o, int t, int keys, boolean[] keep, int first) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < keys; j++) {
            if (keep[first + j]) {
                max = Math.max(max, v[o + j]);
            }
        }
        double sum = 0;
        for (int j = 0; j < t; j++) {
            double e = j < keys && keep[first + j] ? Math.exp(v[o + j] - max) : 0.0;
            v[o + j] = e;
            sum += e;
        }
        double inv = sum > 0 ? 1.0 / sum : 0.0;
        for (int j = 0; j < t; j++) {
            v[o + j] *= inv;
        }
    }

    /**
     * dL/dS from dL/dA for {@code A = softmax(S) * mask} per row: {@code g = dA * mask},
     * {@code dS = P (g - sum_j g_j P_j)}. Weights that causality zeroed have P = 0 and get 0.
     * In place: dS overwrites dA (each block of rows is read in full before it is written).
     */
    private static INDArray softmaxBackward(INDArray p, INDArray mask, INDArray dA, int t) {
        INDArray dS = dA;
        int rows = (int) (p.length() / t), per = rowsPerBlock(t), blocks = (rows + per - 1) / per;
        Buffer pb = Segments.buffer(p), gb = Segments.buffer(dA), db = Segments.buffer(dS);
        Buffer mb = mask == null ? null : Segments.buffer(mask);
        int po = (int) p.offset(), go = (int) dA.offset(), dOff = (int) dS.offset();
        int mo = mask == null ? 0 : (int) mask.offset();
        Parallel.forRange(blocks, 4L * p.length(), (from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int r0 = blk * per, r1 = Math.min(rows, r0 + per), len = (r1 - r0) * t, at = r0 * t;
                double[] g = Rows.read(gb, go + at, len, 0);
                double[] w = Rows.read(pb, po + at, len, 1);
                if (mb != null) {
                    double[] m = Rows.read(mb, mo + at, len, 2);
                    for (int i = 0; i < len; i++) {
                        g[i] *= m[i];
                    }
                }
                for (int o = 0; o < len; o += t) {
                    double dot = 0;
                    for (int j = 0; j < t; j++) {
                        dot += g[o + j] * w[o + j];
                    }
                    for (int j = 0; j < t; j++) {
                        g[o + j] = w[o + j] * (g[o + j] - dot);
                    }
                }
                Rows.write(db, dOff + at, g, len, 0);
            }
        });
        return dS;
    }

    private static void checkInput(INDArray x, int heads) {
        Support.checkRank(x, 3, "x");
        if (heads < 1 || x.size(2) % heads != 0) {
            throw new IllegalArgumentException("heads must divide the width D = " + x.size(2) + " of x "
                    + Arrays.toString(x.shape()) + ", was " + heads);
        }
        if (x.length() > Integer.MAX_VALUE || x.size(0) * heads * x.size(1) * x.size(1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
    }

    private static void checkWeights(INDArray x, INDArray wq, INDArray bq, INDArray wk, INDArray bk, INDArray wv,
            INDArray bv, INDArray wo, INDArray bo) {
        long dm = x.size(x.rank() - 1);
        String[] names = {"wq", "wk", "wv", "wo"};
        INDArray[] w = {wq, wk, wv, wo};
        INDArray[] bias = {bq, bk, bv, bo};
        for (int i = 0; i < 4; i++) {
            checkShape(w[i], names[i], dm, dm);
            checkSameType(x, w[i], names[i]);
            if (bias[i] != null) {
                String name = "b" + names[i].charAt(1);
                checkShape(bias[i], name, dm);
                checkSameType(x, bias[i], name);
            }
        }
    }
}
