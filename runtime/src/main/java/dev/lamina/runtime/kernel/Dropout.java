package dev.lamina.runtime.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout (Srivastava et al. 2014; scaling at training time as PyTorch does);
 * {@code rate} is the probability of dropping a unit (Keras/PyTorch meaning, not DL4J's retain
 * probability). Training: {@code y = x * mask}; inference: the identity, no call needed.
 */
public final class Dropout {
    private Dropout() {}

    /**
     * A mask of the given shape holding 0 with probability {@code rate} and {@code 1/(1-rate)} otherwise.
     * Draws from {@code rng} only, so re-seeding it reproduces the mask.
     *
     * @param shape any shape, typically the activation's {@code [N, ...]}
     * @param rate  drop probability in {@code [0, 1)}; 0 gives a mask of ones
     * @param rng   the generator to draw from (the model's dropout generator)
     * @param type  FLOAT or DOUBLE
     * @return the mask, a new array
     * @throws IllegalArgumentException if rate is outside {@code [0, 1)} or type is not floating point
     */
    public static INDArray sampleMask(long[] shape, double rate, Random rng, DataType type) {
        Support.checkNotNull(shape, "shape");
        Support.checkNotNull(rng, "rng");
        Support.checkFloating(type);
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException("rate must be in [0, 1), was " + rate);
        }
        INDArray mask = Support.newArray(type, shape);
        if (rate == 0.0) {
            return mask.assign(1.0);
        }
        if (mask.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("masks above 2^31 values are not supported");
        }
        fill(mask, rng.nextLong(), rate, 1.0 / (1.0 - rate));
        return mask;
    }

    /**
     * Fills a dense mask from one 64-bit draw: element i keeps (gets keptValue, 1/(1-rate) for
     * {@link #sampleMask}) and is otherwise 0; it keeps when the top 24 bits
     * of a 32-bit hash of (i, seed) fall below (1 - rate) * 2^24. The hash is MurmurHash3's
     * finaliser (Appleby 2011) over {@code (i + seedLow) * 0x9E3779B9 ^ seedHigh}: counter-based, so
     * threads fill disjoint blocks independently and the mask depends on the seed alone. The keep
     * probability is exact to 2^-24. Integer arithmetic on heap blocks, measured faster than
     * libnd4j's Bernoulli op plus the scaling pass (see the table of primitives in docs/performance.md).
     */
    static void fill(INDArray mask, long seed, double rate, double keptValue) {
        int n = (int) mask.length(), off = (int) mask.offset();
        int low = (int) seed, high = (int) (seed >>> 32);
        int threshold = (int) Math.round((1.0 - rate) * (1 << 24));
        int blocks = (n + BLOCK - 1) / BLOCK;
        if (mask.dataType() == DataType.FLOAT) {
            FloatBuffer out = mask.data().asNioFloat();
            float scale = (float) keptValue;
            Parallel.forRange(blocks, 4L * n, (from, to) -> {
                float[] block = Staging.floats(0, BLOCK);
                for (int b = from; b < to; b++) {
                    int start = b * BLOCK, len = Math.min(BLOCK, n - start);
                    for (int k = 0; k < len; k++) {
                        block[k] = keep(start + k, low, high, threshold) * scale;
                    }
                    out.put(off + start, block, 0, len);
                }
            });
        } else {
            DoubleBuffer out = mask.data().asNioDouble();
            double scale = keptValue;
            Parallel.forRange(blocks, 4L * n, (from, to) -> {
                for (int i = from * BLOCK, end = Math.min(n, to * BLOCK); i < end; i++) {
                    out.put(off + i, keep(i, low, high, threshold) * scale);
                }
            });
        }
    }

    private static final int BLOCK = 4096;

    /** 1 if element i is kept, else 0, without a branch. */
    static int keep(int i, int low, int high, int threshold) {
        int h = (i + low) * 0x9E3779B9 ^ high;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return ((h >>> 8) - threshold) >>> 31;
    }

    /**
     * Training-mode forward pass: {@code y = x * mask}.
     *
     * @param x    input, any shape, FLOAT or DOUBLE
     * @param mask from {@link #sampleMask}, x's shape and type
     * @return y, a new array
     * @throws IllegalArgumentException if the shapes differ or x is not FLOAT or DOUBLE
     */
    public static INDArray forward(INDArray x, INDArray mask) {
        Support.checkFloating(x, "x");
        Support.checkSameShape(x, "x", mask, "mask");
        INDArray y = Support.newLike(x);
        Nd4j.getExecutioner().exec(new MulOp(x, mask, y));
        return y;
    }

    /**
     * Backward pass: {@code dx = dy * mask}.
     *
     * @param dy   dL/dy, any shape
     * @param mask the forward pass's mask, dy's shape and type
     * @return dL/dx, a new array
     * @throws IllegalArgumentException if the shapes differ or dy is not FLOAT or DOUBLE
     */
    public static INDArray backward(INDArray dy, INDArray mask) {
        return forward(dy, mask);
    }
}
