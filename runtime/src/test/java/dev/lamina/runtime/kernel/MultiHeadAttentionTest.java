package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class MultiHeadAttentionTest {
    /** The eight parameters of one attention layer of width D: wq, bq, wk, bk, wv, bv, wo, bo. */
    private static INDArray[] params(long seed, int d) {
        INDArray[] p = new INDArray[8];
        for (int i = 0; i < 8; i++) {
            // weights scaled as an initialiser would, so that the softmax is neither flat nor saturated
            p[i] = i % 2 == 0 ? randn(seed + i, d, d).muli(1.0 / Math.sqrt(d)) : randn(seed + i, d).muli(0.1);
        }
        return p;
    }

    private static INDArray forward(INDArray x, INDArray[] p, int heads, boolean causal, INDArray mask,
            MultiHeadAttention.Cache cache) {
        return MultiHeadAttention.forward(x, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], heads, causal, mask, cache);
    }

    private static INDArray backward(INDArray dy, INDArray[] p, MultiHeadAttention.Cache cache, INDArray[] g,
            boolean needInputGrad) {
        return MultiHeadAttention.backward(dy, p[0], p[2], p[4], p[6], cache, g[0], g[1], g[2], g[3], g[4], g[5], g[6],
                g[7], needInputGrad);
    }

    private static INDArray[] zerosLike(INDArray[] p) {
        INDArray[] g = new INDArray[p.length];
        for (int i = 0; i < p.length; i++) {
            g[i] = Nd4j.zeros(p[i].dataType(), p[i].shape());
        }
        return g;
    }

    /** Attention written out with loops over n, h and t, straight from Vaswani et al. section 3.2. */
    private static INDArray reference(INDArray x, INDArray[] p, int heads, boolean causal, INDArray mask) {
        return reference(x, p, heads, causal, null, mask);
    }

    /** The reference with a key padding mask: keys with keyMask 0 are skipped; no key left gives weights 0. */
    private static INDArray reference(INDArray x, INDArray[] p, int heads, boolean causal, INDArray keyMask,
            INDArray mask) {
        int n = (int) x.size(0), t = (int) x.size(1), d = (int) x.size(2), hd = d / heads;
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, t, d);
        for (int b = 0; b < n; b++) {
            INDArray xb = x.get(NDArrayIndex.point(b)).dup();
            INDArray q = xb.mmul(p[0]).addiRowVector(p[1]);
            INDArray k = xb.mmul(p[2]).addiRowVector(p[3]);
            INDArray v = xb.mmul(p[4]).addiRowVector(p[5]);
            INDArray concat = Nd4j.zeros(DataType.DOUBLE, t, d);
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        if (causal && j > i || keyMask != null && keyMask.getDouble(b, j) == 0) {
                            continue;
                        }
                        for (int c = 0; c < hd; c++) {
                            s[j] += q.getDouble(i, h * hd + c) * k.getDouble(j, h * hd + c);
                        }
                        s[j] /= Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        boolean hidden = causal && j > i || keyMask != null && keyMask.getDouble(b, j) == 0;
                        s[j] = hidden ? 0 : Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        double weight = (sum == 0 ? 0 : s[j] / sum) * (mask == null ? 1 : mask.getDouble(b, h, i, j));
                        for (int c = 0; c < hd; c++) {
                            concat.putScalar(i, h * hd + c, concat.getDouble(i, h * hd + c)
                                    + weight * v.getDouble(j, h * hd + c));
                        }
                    }
                }
            }
            y.get(NDArrayIndex.point(b)).assign(concat.mmul(p[6]).addiRowVector(p[7]));
        }
        return y;
    }

    private static INDArray mask(long seed, long... shape) {
        return Dropout.sampleMask(shape, 0.3, Nd4j.getRandomFactory().getNewRandomInstance(seed), DataType.DOUBLE);
    }

    @ParameterizedTest(name = "heads={0} causal={1} dropout={2}")
    @CsvSource({"1,false,false", "2,false,false", "3,true,false", "2,true,true", "6,false,true"})
    void forwardEqualsTheReference(int heads, boolean causal, boolean dropout) {
        INDArray x = randn(1, 2, 4, 6);
        INDArray[] p = params(10, 6);
        INDArray mask = dropout ? mask(3, 2, heads, 4, 4) : null;

        INDArray y = forward(x, p, heads, causal, mask, new MultiHeadAttention.Cache());

        assertThat(y.shape()).isEqualTo(new long[] {2, 4, 6});
        assertClose("attention", reference(x, p, heads, causal, mask), y, 1e-12);
        assertClose("without a cache", y, forward(x, p, heads, causal, mask, null), 0);
    }

    @ParameterizedTest(name = "heads={0} causal={1} dropout={2}")
    @CsvSource({"2,false,false", "3,true,true"})
    void backwardMatchesFiniteDifferences(int heads, boolean causal, boolean dropout) {
        INDArray x = randn(4, 2, 3, 6);
        INDArray[] p = params(20, 6);
        INDArray mask = dropout ? mask(5, 2, heads, 3, 3) : null;
        INDArray r = randn(6, 2, 3, 6);
        MultiHeadAttention.Cache cache = new MultiHeadAttention.Cache();
        forward(x, p, heads, causal, mask, cache);
        INDArray[] g = zerosLike(p);

        INDArray dx = backward(r, p, cache, g, true);

        Supplier<Double> loss = () -> weightedSum(forward(x, p, heads, causal, mask, null), r);
        assertGradient("dx", dx, numeric(loss, x));
        String[] names = {"dWq", "dBq", "dWk", "dBk", "dWv", "dBv", "dWo", "dBo"};
        for (int i = 0; i < 8; i++) {
            assertGradient(names[i], g[i], numeric(loss, p[i]));
        }
    }

    @Test
    void causalOutputIgnoresLaterTokens() {
        INDArray x = randn(7, 2, 5, 4);
        INDArray[] p = params(30, 4);
        INDArray y = forward(x, p, 2, true, null, null);
        for (int later = 1; later < 5; later++) {
            INDArray changed = x.dup();
            changed.get(NDArrayIndex.all(), NDArrayIndex.point(later), NDArrayIndex.all()).addi(randn(8 + later, 2, 4));
            INDArray y2 = forward(changed, p, 2, true, null, null);
            INDArray before = y.get(NDArrayIndex.all(), NDArrayIndex.interval(0, later), NDArrayIndex.all());
            assertClose("outputs before token " + later, before,
                    y2.get(NDArrayIndex.all(), NDArrayIndex.interval(0, later), NDArrayIndex.all()), 1e-14);
            assertThat(y2.get(NDArrayIndex.all(), NDArrayIndex.point(later), NDArrayIndex.all())
                    .equalsWithEps(y.get(NDArrayIndex.all(), NDArrayIndex.point(later), NDArrayIndex.all()), 1e-6))
                    .isFalse();
        }
        // Without the mask the first token does see the last one.
        INDArray changed = x.dup();
        changed.get(NDArrayIndex.all(), NDArrayIndex.point(4), NDArrayIndex.all()).addi(1);
        assertThat(forward(changed, p, 2, false, null, null).get(NDArrayIndex.all(), NDArrayIndex.point(0))
                .equalsWithEps(forward(x, p, 2, false, null, null).get(NDArrayIndex.all(), NDArrayIndex.point(0)), 1e-6))
                .isFalse();
    }

    private static INDArray forward(INDArray x, INDArray[] p, int heads, boolean causal, INDArray keyMask,
            INDArray mask, MultiHeadAttention.Cache cache) {
        return MultiHeadAttention.forward(x, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], heads, causal, keyMask,
                mask, cache);
    }

    /** Example 0 has 3 real tokens and 2 of padding at the end, example 1 starts with one padding token. */
    private static INDArray keyMask() {
        return Nd4j.createFromArray(new int[][] {{1, 1, 1, 0, 0}, {0, 1, 1, 1, 1}});
    }

    @ParameterizedTest(name = "causal={0}")
    @CsvSource({"false", "true"})
    void keyPaddingMaskHidesPaddedTokens(boolean causal) {
        INDArray x = randn(22, 2, 5, 6);
        INDArray[] p = params(70, 6);
        INDArray keyMask = keyMask();
        INDArray dropout = mask(23, 2, 3, 5, 5);

        INDArray y = forward(x, p, 3, causal, keyMask, dropout, null);

        assertClose("with a key mask", reference(x, p, 3, causal, keyMask, dropout), y, 1e-12);
        assertClose("an all-ones key mask changes nothing", forward(x, p, 3, causal, null, dropout, null),
                forward(x, p, 3, causal, Nd4j.ones(DataType.DOUBLE, 2, 5), dropout, null), 0);
        // Changing a padded token changes no other token's output.
        INDArray changed = x.dup();
        changed.get(NDArrayIndex.point(0), NDArrayIndex.point(4), NDArrayIndex.all()).addi(3);
        changed.get(NDArrayIndex.point(1), NDArrayIndex.point(0), NDArrayIndex.all()).addi(3);
        INDArray y2 = forward(changed, p, 3, causal, keyMask, dropout, null);
        assertClose("example 0, tokens 0-3", y.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 4)),
                y2.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 4)), 1e-14);
        assertClose("example 1, tokens 1-4", y.get(NDArrayIndex.point(1), NDArrayIndex.interval(1, 5)),
                y2.get(NDArrayIndex.point(1), NDArrayIndex.interval(1, 5)), 1e-14);
        if (causal) {
            // Example 1's first query has no key left: weights 0, output = the output bias.
            assertClose("query without keys", p[7], y.get(NDArrayIndex.point(1), NDArrayIndex.point(0)), 1e-14);
        }
    }

    @Test
    void keyPaddingMaskBackwardMatchesFiniteDifferences() {
        INDArray x = randn(24, 2, 5, 4);
        INDArray[] p = params(80, 4);
        INDArray keyMask = keyMask();
        INDArray r = randn(25, 2, 5, 4);
        MultiHeadAttention.Cache cache = new MultiHeadAttention.Cache();
        forward(x, p, 2, true, keyMask, null, cache);
        INDArray[] g = zerosLike(p);

        INDArray dx = backward(r, p, cache, g, true);

        Supplier<Double> loss = () -> weightedSum(forward(x, p, 2, true, keyMask, null, null), r);
        assertGradient("dx", dx, numeric(loss, x));
        assertGradient("dWk", g[2], numeric(loss, p[2]));
        assertGradient("dWq", g[0], numeric(loss, p[0]));
        assertThrows(IllegalArgumentException.class, () -> forward(x, p, 2, true, Nd4j.ones(DataType.INT32, 2, 4), null,
                null));
    }

    /**
     * The case the tests above leave out: a key mask and attention dropout together, without the causal
     * limit, with all eight parameter gradients checked, and an input that is a strided view (every
     * other example of a larger batch) rather than a dense array.
     */
    @Test
    void keyMaskWithDropoutOnAViewBackwardMatchesFiniteDifferences() {
        INDArray batch = randn(26, 4, 5, 4);
        INDArray x = batch.get(NDArrayIndex.interval(0, 2, 4), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray[] p = params(90, 4);
        INDArray keyMask = keyMask();
        INDArray dropout = mask(27, 2, 2, 5, 5);
        INDArray r = randn(28, 2, 5, 4);
        MultiHeadAttention.Cache cache = new MultiHeadAttention.Cache();
        INDArray y = forward(x, p, 2, false, keyMask, dropout, cache);
        INDArray[] g = zerosLike(p);

        INDArray dx = backward(r, p, cache, g, true);

        assertClose("on a view", reference(x.dup(), p, 2, false, keyMask, dropout), y, 1e-12);
        Supplier<Double> loss = () -> weightedSum(forward(x, p, 2, false, keyMask, dropout, null), r);
        // x is a view of batch, so perturbing batch perturbs x (finite differences need a dense array).
        INDArray numericDx = numeric(loss, batch).get(NDArrayIndex.interval(0, 2, 4), NDArrayIndex.all(),
                NDArrayIndex.all());
        assertGradient("dx", dx, numericDx);
        String[] names = {"dWq", "dBq", "dWk", "dBk", "dWv", "dBv", "dWo", "dBo"};
        for (int i = 0; i < 8; i++) {
            assertGradient(names[i], g[i], numeric(loss, p[i]));
        }
    }

    @Test
    void backwardAccumulatesSkipsInputGradientAndAcceptsNoBiases() {
        INDArray x = randn(9, 2, 3, 4);
        INDArray[] p = params(40, 4);
        INDArray dy = randn(10, 2, 3, 4);
        MultiHeadAttention.Cache cache = new MultiHeadAttention.Cache();
        forward(x, p, 2, false, null, cache);
        INDArray[] g = zerosLike(p);
        INDArray dx = backward(dy, p, cache, g, true);
        INDArray[] once = new INDArray[8];
        for (int i = 0; i < 8; i++) {
            once[i] = g[i].dup();
        }

        assertThat(backward(dy, p, cache, g, false)).isNull();

        for (int i = 0; i < 8; i++) {
            assertClose("gradient " + i + " after two calls", once[i].mul(2), g[i], 1e-12);
        }
        assertThat(dx.shape()).isEqualTo(x.shape());

        // Without biases: the same as zero biases.
        INDArray[] zeroBias = p.clone();
        INDArray[] noBias = p.clone();
        for (int i = 1; i < 8; i += 2) {
            zeroBias[i] = Nd4j.zeros(DataType.DOUBLE, 4);
            noBias[i] = null;
        }
        assertClose("no biases", forward(x, zeroBias, 2, true, null, null), forward(x, noBias, 2, true, null, null),
                0);
        MultiHeadAttention.Cache c2 = new MultiHeadAttention.Cache();
        forward(x, noBias, 2, true, null, c2);
        INDArray[] g2 = zerosLike(p);
        for (int i = 1; i < 8; i += 2) {
            g2[i] = null;
        }
        MultiHeadAttention.Cache c3 = new MultiHeadAttention.Cache();
        forward(x, zeroBias, 2, true, null, c3);
        INDArray[] g3 = zerosLike(p);
        assertClose("dx without biases", backward(dy, zeroBias, c3, g3, true), backward(dy, noBias, c2, g2, true), 0);
    }

    @Test
    void floatAgreesWithDouble() {
        // ViT-sized heads (16 tokens, width 64, 4 heads), a batch of 4.
        INDArray x = randn(11, 4, 16, 64);
        INDArray[] p = params(50, 64);
        INDArray dy = randn(12, 4, 16, 64);
        INDArray mask = mask(13, 4, 4, 16, 16);
        INDArray[] pF = new INDArray[8];
        for (int i = 0; i < 8; i++) {
            pF[i] = toFloat(p[i]);
        }
        MultiHeadAttention.Cache cache = new MultiHeadAttention.Cache();
        MultiHeadAttention.Cache cacheF = new MultiHeadAttention.Cache();
        INDArray[] g = zerosLike(p);
        INDArray[] gF = zerosLike(pF);

        INDArray y = forward(x, p, 4, true, mask, cache);
        INDArray yF = forward(toFloat(x), pF, 4, true, toFloat(mask), cacheF);
        INDArray dx = backward(dy, p, cache, g, true);
        INDArray dxF = backward(toFloat(dy), pF, cacheF, gF, true);

        assertThat(yF.dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float y", y, yF, 1e-5);
        assertClose("float dx", dx, dxF, 1e-4);
        for (int i = 0; i < 8; i++) {
            assertClose("float gradient " + i, g[i], gF[i], 1e-4);
        }
    }

    @Test
    void rejectsBadArguments() {
        INDArray x = randn(14, 2, 3, 6);
        INDArray[] p = params(60, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forward(x, p, 4, false, null, null));
        assertThat(e).hasMessageThat().contains("D = 6");
        assertThrows(IllegalArgumentException.class, () -> forward(x, p, 0, false, null, null));
        assertThrows(IllegalArgumentException.class, () -> forward(randn(15, 3, 6), p, 2, false, null, null));
        INDArray[] wrongW = p.clone();
        wrongW[4] = randn(16, 6, 5);
        assertThrows(IllegalArgumentException.class, () -> forward(x, wrongW, 2, false, null, null));
        INDArray[] wrongB = p.clone();
        wrongB[7] = randn(17, 5);
        assertThrows(IllegalArgumentException.class, () -> forward(x, wrongB, 2, false, null, null));
        INDArray[] floatW = p.clone();
        floatW[0] = toFloat(p[0]);
        assertThrows(IllegalArgumentException.class, () -> forward(x, floatW, 2, false, null, null));
        assertThrows(IllegalArgumentException.class, () -> forward(x, p, 2, false, mask(18, 2, 3, 3, 3), null));
        assertThrows(IllegalStateException.class,
                () -> backward(randn(19, 2, 3, 6), p, new MultiHeadAttention.Cache(), zerosLike(p), true));
        MultiHeadAttention.Cache cache = new MultiHeadAttention.Cache();
        forward(x, p, 2, false, null, cache);
        assertThrows(IllegalArgumentException.class, () -> backward(randn(20, 2, 4, 6), p, cache, zerosLike(p), true));
        INDArray[] g = zerosLike(p);
        g[2] = Nd4j.zeros(DataType.DOUBLE, 6, 5);
        assertThrows(IllegalArgumentException.class, () -> backward(randn(21, 2, 3, 6), p, cache, g, true));
    }
}
