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
 * A hand-written token model for the trainer tests: an embedding table straight into logits, one
 * prediction per position. Input token ids {@code [N, T]} (INT or LONG, never cast to float: the
 * model refuses floating-point input), output {@code out[n, t, :] = table[ids[n, t], :] + bias},
 * {@code [N, T, K]}, trained with softmax cross-entropy.
 */
final class TokenTagger implements Model {
    private final int vocabulary;
    private final int positions;
    private final int classes;
    private final Parameter table;
    private final Parameter bias;
    private int[] lastIds;

    TokenTagger(int vocabulary, int positions, int classes, long seed) {
        this.vocabulary = vocabulary;
        this.positions = positions;
        this.classes = classes;
        Random random = new Random(seed);
        float[][] w = new float[vocabulary][classes];
        for (float[] row : w) {
            for (int k = 0; k < classes; k++) {
                row[k] = (float) (0.1 * random.nextGaussian());
            }
        }
        this.table = Parameter.of("embedding.weight", Nd4j.createFromArray(w));
        this.bias = Parameter.of("embedding.bias", Nd4j.zeros(DataType.FLOAT, classes));
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        if (input.dataType().isFPType() || input.rank() != 2 || input.size(1) != positions) {
            throw new IllegalArgumentException("expected token ids [N, " + positions + "], found "
                    + Arrays.toString(input.shape()) + " " + input.dataType());
        }
        int[] ids = input.dup('c').data().asInt();
        float[] w = table.value().dup('c').data().asFloat();
        float[] b = bias.value().dup('c').data().asFloat();
        float[] out = new float[ids.length * classes];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabulary) {
                throw new IllegalArgumentException("token id " + ids[i] + " is outside [0, " + vocabulary + ")");
            }
            for (int k = 0; k < classes; k++) {
                out[i * classes + k] = w[ids[i] * classes + k] + b[k];
            }
        }
        lastIds = training ? ids : null;
        return Nd4j.createFromArray(out).reshape('c', input.size(0), positions, classes);
    }

    @Override
    public void backward(INDArray dOutput) {
        if (lastIds == null) {
            throw new IllegalStateException("backward without a training-mode forward pass");
        }
        float[] d = dOutput.dup('c').data().asFloat();
        float[] dw = new float[vocabulary * classes];
        float[] db = new float[classes];
        for (int i = 0; i < lastIds.length; i++) {
            for (int k = 0; k < classes; k++) {
                dw[lastIds[i] * classes + k] += d[i * classes + k];
                db[k] += d[i * classes + k];
            }
        }
        table.grad().addi(Nd4j.createFromArray(dw).reshape('c', vocabulary, classes));
        bias.grad().addi(Nd4j.createFromArray(db));
        lastIds = null;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(table, bias);
    }

    @Override
    public Map<String, INDArray> buffers() {
        return Map.of();
    }

    @Override
    public void seedDropout(long seed) {}

    @Override
    public Loss loss() {
        return Loss.SOFTMAX_CROSS_ENTROPY;
    }

    @Override
    public int[] inputShape() {
        return new int[] {positions};
    }

    @Override
    public int[] outputShape() {
        return new int[] {positions, classes};
    }

    @Override
    public List<Layer> layers() {
        return List.of(new LayerInfo("embedding", "Embedding", new int[] {positions, classes},
                (long) vocabulary * classes + classes));
    }

    @Override
    public DataType dataType() {
        return DataType.FLOAT;
    }
}
