package dev.lamina.runtime.train;

import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.runtime.model.LayerInfo;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A hand-written model for the trainer tests: one dense layer {@code y = x w + b}, x {@code [N, D]},
 * w {@code [D, K]}, b {@code [K]}, trained with softmax cross-entropy (or, built with another loss, e.g.
 * {@code MSE}, linear regression). The dense math is inline ND4J so the tests do not depend on the kernel
 * classes.
 */
final class SoftmaxRegression implements Model {
    private final int inputs;
    private final int classes;
    private final DataType dataType;
    private final Loss loss;
    private final Parameter weight;
    private final Parameter bias;
    private INDArray lastInput;
    int forwardCalls;
    int trainingForwardCalls;
    Long dropoutSeed;

    /** Weights uniform in ±1/sqrt(D) from {@code Random(seed)} (PyTorch's Linear init), biases likewise. */
    SoftmaxRegression(int inputs, int classes, DataType dataType, long seed) {
        this(inputs, classes, dataType, seed, Loss.SOFTMAX_CROSS_ENTROPY);
    }

    /** The same layer trained with {@code loss}: {@code MSE} makes it linear regression to K outputs. */
    SoftmaxRegression(int inputs, int classes, DataType dataType, long seed, Loss loss) {
        this.loss = loss;
        this.inputs = inputs;
        this.classes = classes;
        this.dataType = dataType;
        Random random = new Random(seed);
        double bound = 1 / Math.sqrt(inputs);
        double[][] w = new double[inputs][classes];
        for (double[] row : w) {
            for (int k = 0; k < classes; k++) {
                row[k] = bound * (2 * random.nextDouble() - 1);
            }
        }
        double[] b = new double[classes];
        for (int k = 0; k < classes; k++) {
            b[k] = bound * (2 * random.nextDouble() - 1);
        }
        this.weight = Parameter.of("dense.weight", Nd4j.createFromArray(w).castTo(dataType));
        this.bias = Parameter.of("dense.bias", Nd4j.createFromArray(b).castTo(dataType));
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        if (input.rank() != 2 || input.size(1) != inputs || input.dataType() != dataType) {
            throw new IllegalArgumentException("expected [N, " + inputs + "] " + dataType + ", found "
                    + Arrays.toString(input.shape()) + " " + input.dataType());
        }
        forwardCalls++;
        if (training) {
            trainingForwardCalls++;
        }
        lastInput = training ? input : null;
        return input.mmul(weight.value()).addiRowVector(bias.value());
    }

    @Override
    public void backward(INDArray dOutput) {
        if (lastInput == null) {
            throw new IllegalStateException("backward without a training-mode forward pass");
        }
        weight.grad().addi(lastInput.transpose().mmul(dOutput));
        bias.grad().addi(dOutput.sum(0));
        lastInput = null;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public Map<String, INDArray> buffers() {
        return Map.of();
    }

    @Override
    public void seedDropout(long seed) {
        dropoutSeed = seed;
    }

    @Override
    public Loss loss() {
        return loss;
    }

    @Override
    public int[] inputShape() {
        return new int[] {inputs};
    }

    @Override
    public int[] outputShape() {
        return new int[] {classes};
    }

    @Override
    public List<Layer> layers() {
        return List.of(new LayerInfo("dense", "Dense", new int[] {classes}, (long) inputs * classes + classes));
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    INDArray weight() {
        return weight.value();
    }

    INDArray bias() {
        return bias.value();
    }
}
