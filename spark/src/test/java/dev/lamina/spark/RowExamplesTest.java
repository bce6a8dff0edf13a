package dev.lamina.spark;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RowExamplesTest {
    private static final StructType VECTORS = new StructType()
            .add("features", SQLDataTypes.VectorType(), false)
            .add("label", DataTypes.DoubleType, false);

    @Test
    void sparkMlVectorsDenseAndSparseAndDoubleLabelsBecomeExamples() {
        List<Example> examples = SparkTests.examples(6, 7);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            double[] x = new double[6];
            for (int j = 0; j < 6; j++) {
                x[j] = examples.get(i).features()[j];
            }
            // Odd rows sparse, as VectorAssembler makes rows with many zeros.
            rows.add(RowFactory.create(i % 2 == 0 ? Vectors.dense(x) : Vectors.dense(x).toSparse(),
                    (double) examples.get(i).label()));
        }
        List<Example> read = RowExamples.of(SparkTests.session().createDataFrame(rows, VECTORS), "features", "label")
                .collect();
        assertThat(read).containsExactlyElementsIn(examples).inOrder();
    }

    @Test
    void aFractionalLabelFailsNamingTheValue() {
        List<Row> rows = List.of(RowFactory.create(Vectors.dense(1, 2, 3, 4, 5, 6), 1.5));
        SparkException e = assertThrows(SparkException.class,
                () -> RowExamples.of(SparkTests.session().createDataFrame(rows, VECTORS), "features", "label")
                        .collect());
        assertThat(e).hasMessageThat().contains("label column 'label' holds 1.5; labels are class indices");
    }
}
