package dev.lamina.spark;

import dev.lamina.dsl.Loss;
import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch inference over a Spark {@code Dataset<Row>}: every partition makes one model instance, loads
 * the broadcast parameters and buffers (Lamina's checkpoint format) and scores its rows in batches in
 * inference mode, appending two columns to each row:
 * <ul>
 *   <li>{@code prediction} (double, Spark ML's convention): the arg-max class of the output; for one
 *       sigmoid output, 1 when its probability is at least 0.5, else 0; for a model trained with mean
 *       squared error and one output, that output;</li>
 *   <li>{@code probability} ({@code array<float>}, {@code [K]}): softmax of the logits for softmax
 *       cross-entropy, element-wise sigmoid for binary cross-entropy; absent for mean squared error.</li>
 * </ul>
 * Rows keep their columns and order. The features column is read as by {@link RowExamples}.
 */
public final class SparkScorer {
    private final JavaSparkContext spark;
    private final ModelFactory modelFactory;
    private final byte[] state;
    private final Loss loss;
    private final int batchSize;

    private SparkScorer(JavaSparkContext spark, ModelFactory modelFactory, byte[] state, Loss loss, int batchSize) {
        this.spark = spark;
        this.modelFactory = modelFactory;
        this.state = state;
        this.loss = loss;
        this.batchSize = batchSize;
    }

    /**
     * A scorer of {@code model}'s current parameters and buffers.
     *
     * @param spark        the Spark context of the rows to score
     * @param modelFactory makes instances of {@code model}'s class on the executors
     * @param model        the trained model (e.g. {@link SparkTrainer#model()}, or one loaded from a
     *                     checkpoint); its state is copied now
     * @param batchSize    rows per forward pass, >= 1
     * @return the scorer
     * @throws IllegalArgumentException if {@code batchSize < 1}, the model's output is not one vector or
     *     the factory makes another class
     */
    public static SparkScorer of(JavaSparkContext spark, ModelFactory modelFactory, Model model, int batchSize) {
        Objects.requireNonNull(spark, "spark");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        if (model.outputShape().length != 1) {
            throw new IllegalArgumentException("SparkScorer scores models with one output vector [K]; "
                    + model.getClass().getName() + " outputs " + Arrays.toString(model.outputShape()));
        }
        Model probe = modelFactory.create(0);
        if (probe.getClass() != model.getClass()) {
            throw new IllegalArgumentException("the factory makes " + probe.getClass().getName() + ", but the model is"
                    + " a " + model.getClass().getName());
        }
        Optimizer none = new Sgd(0);
        byte[] bytes = CheckpointFile.toBytes(Checkpoint.capture(model, none, TrainingPosition.start(0, 1, 0)));
        return new SparkScorer(spark, modelFactory, bytes, model.loss(), batchSize);
    }

    /**
     * Scores every row.
     *
     * @param rows        the rows, with a features column of {@code prod(model.inputShape())} values
     * @param featuresCol the features column
     * @return the rows with {@code prediction} and (unless the loss is MSE) {@code probability} appended;
     *     computed lazily, like any Spark transformation
     * @throws IllegalArgumentException if the features column is missing or of another type, or the rows
     *     already have a column of an output's name
     */
    public org.apache.spark.sql.Dataset<Row> score(org.apache.spark.sql.Dataset<Row> rows, String featuresCol) {
        StructType in = rows.schema();
        int features = RowExamples.featuresIndex(in, featuresCol);
        boolean probabilities = loss != Loss.MSE;
        for (String name : probabilities ? List.of("prediction", "probability") : List.of("prediction")) {
            if (Arrays.asList(in.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("the rows already have a column '" + name + "'; rename or drop"
                        + " it first");
            }
        }
        StructType out = in.add("prediction", DataTypes.DoubleType, false);
        if (probabilities) {
            out = out.add("probability", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        }
        Broadcast<byte[]> broadcast = spark.broadcast(state);
        return rows.mapPartitions(new ScorePartition(modelFactory, broadcast, features, batchSize, probabilities),
                Encoders.row(out));
    }

    /** One partition's scoring: one model, rows scored {@code batchSize} at a time. */
    private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final ModelFactory modelFactory;
        private final Broadcast<byte[]> state;
        private final int features;
        private final int batchSize;
        private final boolean probabilities;

        ScorePartition(ModelFactory modelFactory, Broadcast<byte[]> state, int features, int batchSize,
                boolean probabilities) {
            this.modelFactory = modelFactory;
            this.state = state;
            this.features = features;
            this.batchSize = batchSize;
            this.probabilities = probabilities;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) throws Exception {
            Model model = modelFactory.create(0);
            Path source = Path.of("broadcast-model");
            CheckpointFile.fromBytes(state.value(), source).restoreModelInto(model, source);
            LossFunction lossFunction = LossFunction.of(model.loss());
            int[] inputShape = model.inputShape();
            int width = Arrays.stream(inputShape).reduce(1, Math::multiplyExact);
            return new Iterator<>() {
                private final List<Row> scored = new ArrayList<>();
                private int next;

                @Override
                public boolean hasNext() {
                    if (next < scored.size()) {
                        return true;
                    }
                    scored.clear();
                    next = 0;
                    List<Row> batch = new ArrayList<>();
                    while (batch.size() < batchSize && rows.hasNext()) {
                        batch.add(rows.next());
                    }
                    if (!batch.isEmpty()) {
                        scoreInto(batch, scored);
                    }
                    return !scored.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return scored.get(next++);
                }

                private void scoreInto(List<Row> batch, List<Row> into) {
                    float[] x = new float[batch.size() * width];
                    for (int i = 0; i < batch.size(); i++) {
                        float[] f = RowExamples.features(batch.get(i), features);
                        if (f.length != width) {
                            throw new IllegalArgumentException("a row has " + f.length + " features, but the model"
                                    + " takes " + width + " (" + Arrays.toString(inputShape) + ")");
                        }
                        System.arraycopy(f, 0, x, i * width, width);
                    }
                    long[] shape = new long[inputShape.length + 1];
                    shape[0] = batch.size();
                    for (int d = 0; d < inputShape.length; d++) {
                        shape[d + 1] = inputShape[d];
                    }
                    INDArray input = RunSettings.castTo(Nd4j.create(x, shape, 'c'), model);
                    INDArray output = model.forward(input, false);
                    INDArray activated = probabilities ? lossFunction.activate(output) : output;
                    float[][] values = activated.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix();
                    for (int i = 0; i < batch.size(); i++) {
                        Row row = batch.get(i);
                        Object[] cells = new Object[row.length() + (probabilities ? 2 : 1)];
                        for (int c = 0; c < row.length(); c++) {
                            cells[c] = row.get(c);
                        }
                        cells[row.length()] = prediction(values[i]);
                        if (probabilities) {
                            cells[row.length() + 1] = values[i];
                        }
                        into.add(RowFactory.create(cells));
                    }
                }

                private double prediction(float[] v) {
                    if (v.length == 1) {
                        return probabilities ? (v[0] >= 0.5f ? 1 : 0) : v[0];
                    }
                    int best = 0;
                    for (int k = 1; k < v.length; k++) {
                        if (v[k] > v[best]) {
                            best = k;
                        }
                    }
                    return best;
                }
            };
        }
    }
}
