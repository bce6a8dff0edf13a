package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/** Parameter initialisation. */
public final class Init {
    private Init() {}

    /**
     * PyTorch's default for {@code Linear} and {@code Conv2d} weights and biases (kaiming_uniform with
     * a = sqrt(5), which reduces to): uniform in {@code [-1/sqrt(fanIn), 1/sqrt(fanIn)]}.
     */
    public static INDArray uniformFanIn(long[] shape, long fanIn, Random rng, DataType type) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
