package dev.lamina.spark;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SparkScorerTest {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("label", DataTypes.IntegerType, false);

    private static org.apache.spark.sql.Dataset<Row> rows(List<Example> examples, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            rows.add(RowFactory.create("row" + i, examples.get(i).features(), examples.get(i).label()));
        }
        return SparkTests.session().createDataFrame(rows, SCHEMA).repartition(partitions);
    }

    @Test
    void rowsTrainAsTheSameExamplesAndAreScoredAsTheModelScoresThem() {
        List<Example> examples = SparkTests.examples(40, 5);
        SparkTrainer fromRows = SparkTrainer.builder(SparkTests.context(), LaminaTinyNet::create, () -> new Sgd(0.3))
                .batchSize(8).seed(3).progress(TrainingListener.NONE).build();
        fromRows.fit(SparkTests.session().createDataFrame(rowList(examples), SCHEMA).coalesce(1), "features", "label",
                null);
        SparkTrainer fromExamples = SparkTrainer.builder(SparkTests.context(), LaminaTinyNet::create,
                () -> new Sgd(0.3)).batchSize(8).seed(3).progress(TrainingListener.NONE).build();
        fromExamples.fit(SparkTests.context().parallelize(examples, 1), null);
        Map<String, float[]> want = SparkTests.state(fromExamples.model());
        Map<String, float[]> got = SparkTests.state(fromRows.model());
        want.forEach((name, values) -> assertArrayEquals(values, got.get(name), 0f, name));

        Model model = fromRows.model();
        List<Row> scored = SparkScorer.of(SparkTests.context(), LaminaTinyNet::create, model, 7)
                .score(rows(examples, 3), "features").collectAsList();

        assertThat(scored).hasSize(examples.size());
        LossFunction softmax = LossFunction.of(model.loss());
        for (Row row : scored) {
            int i = Integer.parseInt(row.getString(0).substring(3));
            float[] x = examples.get(i).features();
            INDArray probabilities = softmax.activate(model.forward(Nd4j.create(new float[][] {x}), false));
            float[] want0 = probabilities.toFloatMatrix()[0];
            List<Float> got0 = row.getList(row.fieldIndex("probability"));
            float[] gotProbabilities = new float[got0.size()];
            for (int k = 0; k < gotProbabilities.length; k++) {
                gotProbabilities[k] = got0.get(k);
            }
            assertArrayEquals(want0, gotProbabilities, 1e-6f);
            assertThat(row.getDouble(row.fieldIndex("prediction")))
                    .isEqualTo((double) probabilities.argMax(1).getInt(0));
            assertThat(row.getInt(row.fieldIndex("label"))).isEqualTo(examples.get(i).label());
        }
    }

    private static List<Row> rowList(List<Example> examples) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            rows.add(RowFactory.create("row" + i, examples.get(i).features(), examples.get(i).label()));
        }
        return rows;
    }

    @Test
    void aMissingOrMistypedColumnIsNamed() {
        org.apache.spark.sql.Dataset<Row> rows = rows(SparkTests.examples(4, 6), 1);
        SparkScorer scorer = SparkScorer.of(SparkTests.context(), LaminaTinyNet::create, LaminaTinyNet.create(0), 8);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> scorer.score(rows, "pixels"));
        assertThat(missing).hasMessageThat().contains("no column 'pixels'");
        IllegalArgumentException mistyped = assertThrows(IllegalArgumentException.class,
                () -> RowExamples.of(rows, "id", "label"));
        assertThat(mistyped).hasMessageThat().contains("features column 'id' is string");
    }
}
