package dev.lamina.runtime.checkpoint;

import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.runtime.model.LayerInfo;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A hand-written model with every kind of state a checkpoint must carry: two dense layers
 * (parameters), a running mean of the hidden activations (a buffer, updated in training like
 * BatchNorm's), and inverted dropout whose masks come from {@link #seedDropout}. x {@code [N, D]},
 * hidden {@code [N, H]}, logits {@code [N, K]}; softmax cross-entropy. Inline ND4J, so the tests do
 * not depend on the kernels.
 */
final class TinyMlp implements Model {
    private static final double DROP = 0.25;

    private final int inputs;
    private final int classes;
    private final Parameter w1;
    private final Parameter b1;
    private final Parameter w2;
    private final Parameter b2;
    private final INDArray runningMean;
    private final Random dropout = new Random(0);
    private INDArray x;
    private INDArray hiddenPre;
    private INDArray mask;
    private INDArray hidden;

    /** Weights uniform in ±1/sqrt(fan_in) from {@code Random(seed)}. */
    TinyMlp(int inputs, int hiddenUnits, int classes, long seed) {
        this.inputs = inputs;
        this.classes = classes;
        Random random = new Random(seed);
        w1 = Parameter.of("fc1.weight", uniform(random, inputs, hiddenUnits, inputs));
        b1 = Parameter.of("fc1.bias", uniform(random, 1, hiddenUnits, inputs).reshape(hiddenUnits));
        w2 = Parameter.of("fc2.weight", uniform(random, hiddenUnits, classes, hiddenUnits));
        b2 = Parameter.of("fc2.bias", uniform(random, 1, classes, hiddenUnits).reshape(classes));
        runningMean = Nd4j.zeros(DataType.FLOAT, hiddenUnits);
    }

    private static INDArray uniform(Random random, int rows, int cols, int fanIn) {
        float[][] v = new float[rows][cols];
        double bound = 1 / Math.sqrt(fanIn);
        for (float[] row : v) {
            for (int c = 0; c < cols; c++) {
                row[c] = (float) (bound * (2 * random.nextDouble() - 1));
            }
        }
        return Nd4j.createFromArray(v);
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        if (input.rank() != 2 || input.size(1) != inputs) {
            throw new IllegalArgumentException("expected [N, " + inputs + "], found " + java.util.Arrays.toString(input.shape()));
        }
        INDArray pre = input.mmul(w1.value()).addiRowVector(b1.value());
        INDArray h = Transforms.relu(pre, true);
        if (training) {
            runningMean.muli(0.9).addi(h.mean(0).muli(0.1));
            float[] m = new float[(int) h.length()];
            for (int i = 0; i < m.length; i++) {
                m[i] = dropout.nextDouble() < DROP ? 0f : (float) (1 / (1 - DROP));
            }
            mask = Nd4j.create(m, h.shape(), 'c');
            h = h.mul(mask);
            x = input;
            hiddenPre = pre;
            hidden = h;
        } else {
            // Inference centres the hidden units with the running mean, so the buffer matters.
            h = h.subRowVector(runningMean.mul(0.1));
        }
        return h.mmul(w2.value()).addiRowVector(b2.value());
    }

    @Override
    public void backward(INDArray dOutput) {
        if (x == null) {
            throw new IllegalStateException("backward without a training-mode forward pass");
        }
        w2.grad().addi(hidden.transpose().mmul(dOutput));
        b2.grad().addi(dOutput.sum(0));
        INDArray dHidden = dOutput.mmul(w2.value().transpose()).muli(mask);
        dHidden.muli(hiddenPre.gt(0).castTo(DataType.FLOAT));
        w1.grad().addi(x.transpose().mmul(dHidden));
        b1.grad().addi(dHidden.sum(0));
        x = null;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(w1, b1, w2, b2);
    }

    @Override
    public Map<String, INDArray> buffers() {
        return Map.of("fc1.running_mean", runningMean);
    }

    @Override
    public void seedDropout(long seed) {
        dropout.setSeed(seed);
    }

    @Override
    public Loss loss() {
        return Loss.SOFTMAX_CROSS_ENTROPY;
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
        return List.of(new LayerInfo("fc1", "Dense", new int[] {(int) w1.value().size(1)}, w1.value().length() + b1.value().length()),
                new LayerInfo("fc2", "Dense", new int[] {classes}, w2.value().length() + b2.value().length()));
    }

    @Override
    public DataType dataType() {
        return DataType.FLOAT;
    }
}
