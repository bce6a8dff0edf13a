package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
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
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1.0 - rate), rng);
        return mask.muli(1.0 / (1.0 - rate));
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
