package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/** Inverted dropout; {@code rate} is the probability of dropping a unit (Keras/PyTorch meaning). */
public final class Dropout {
    private Dropout() {}

    /** A mask of the given shape holding 0 with probability {@code rate} and {@code 1/(1-rate)} otherwise. */
    public static INDArray sampleMask(long[] shape, double rate, Random rng, DataType type) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@code y = x * mask}. */
    public static INDArray forward(INDArray x, INDArray mask) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@code dx = dy * mask}. */
    public static INDArray backward(INDArray dy, INDArray mask) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
