package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** Parameter initialisation. */
public final class Init {
    private Init() {}

    /**
     * PyTorch's default for {@code Linear} and {@code Conv2d} weights and biases (kaiming_uniform with
     * a = sqrt(5), which reduces to): uniform in {@code [-1/sqrt(fanIn), 1/sqrt(fanIn)]}.
     *
     * <p>The result is detached from any open workspace: parameters outlive training steps.
     *
     * @param shape the tensor's shape, e.g. {@code [I, O]} or {@code [F, C, K, K]}
     * @param fanIn inputs per output unit: I for Dense {@code [I, O]}, C*K*K for Conv2d {@code [F, C, K, K]}
     * @param rng   the generator to draw from
     * @param type  FLOAT or DOUBLE
     * @return a new array of {@code shape} with independent uniform entries
     * @throws IllegalArgumentException if fanIn is below 1 or type is not FLOAT or DOUBLE
     */
    public static INDArray uniformFanIn(long[] shape, long fanIn, Random rng, DataType type) {
        Support.checkNotNull(shape, "shape");
        Support.checkNotNull(rng, "rng");
        Support.checkFloating(type);
        if (fanIn < 1) {
            throw new IllegalArgumentException("fanIn must be at least 1, was " + fanIn);
        }
        double bound = 1.0 / Math.sqrt(fanIn);
        INDArray w = Nd4j.createUninitializedDetached(type, 'c', shape);
        Nd4j.getExecutioner().exec(new UniformDistribution(w, -bound, bound), rng);
        return w;
    }

    /**
     * Independent normal draws of mean 0: PyTorch's default for {@code nn.Embedding} (std 1), and
     * GPT-2's and ViT's for learned position embeddings (std 0.02).
     *
     * <p>The result is detached from any open workspace: parameters outlive training steps.
     *
     * @param shape the tensor's shape, e.g. {@code [V, D]}
     * @param std   the standard deviation, positive and finite
     * @param rng   the generator to draw from
     * @param type  FLOAT or DOUBLE
     * @return a new array of {@code shape} with independent N(0, std^2) entries
     * @throws IllegalArgumentException if std is not positive and finite or type is not FLOAT or DOUBLE
     */
    public static INDArray normal(long[] shape, double std, Random rng, DataType type) {
        Support.checkNotNull(shape, "shape");
        Support.checkNotNull(rng, "rng");
        Support.checkFloating(type);
        if (!(std > 0 && Double.isFinite(std))) {
            throw new IllegalArgumentException("std must be positive and finite, was " + std);
        }
        INDArray w = Nd4j.createUninitializedDetached(type, 'c', shape);
        Nd4j.getExecutioner().exec(new GaussianDistribution(w, 0.0, std), rng);
        return w;
    }
}
