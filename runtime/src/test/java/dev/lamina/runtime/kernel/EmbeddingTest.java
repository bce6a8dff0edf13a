package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link Embedding} and {@link PositionalEmbedding}. */
class EmbeddingTest {
    /** ids [2, 4] into a vocabulary of 5, with repeats (3 occurs three times, 0 twice). */
    private static INDArray ids(DataType type) {
        return Nd4j.createFromArray(new int[][] {{3, 0, 4, 3}, {1, 3, 0, 2}}).castTo(type);
    }

    @Test
    void forwardLooksUpRows() {
        INDArray table = randn(1, 5, 3);
        for (DataType type : new DataType[] {DataType.INT32, DataType.INT64}) {
            INDArray ids = ids(type);

            INDArray y = Embedding.forward(ids, table);

            assertThat(y.shape()).isEqualTo(new long[] {2, 4, 3});
            for (int n = 0; n < 2; n++) {
                for (int t = 0; t < 4; t++) {
                    assertClose(type + " row at " + n + "," + t, table.getRow(ids.getInt(n, t)), y.get(
                            NDArrayIndex.point(n), NDArrayIndex.point(t), NDArrayIndex.all()), 0);
                }
            }
        }
        // ids given as a transposed view read in their logical order
        INDArray idsT = ids(DataType.INT32).transpose().dup('c').transpose();
        assertClose("strided ids", Embedding.forward(ids(DataType.INT32), table), Embedding.forward(idsT, table), 0);
    }

    @Test
    void backwardScatterAddsAndMatchesFiniteDifferences() {
        INDArray table = randn(2, 5, 3);
        INDArray ids = ids(DataType.INT64);
        INDArray r = randn(3, 2, 4, 3);
        INDArray dTable = Nd4j.zeros(DataType.DOUBLE, 5, 3);

        Embedding.backward(ids, r, dTable);

        assertGradient("dTable", dTable, numeric(() -> weightedSum(Embedding.forward(ids, table), r), table));
        // id 3 sits at [0,0], [0,3] and [1,1]: its row collects all three; id 4 nothing beyond [0,2]
        INDArray three = r.get(NDArrayIndex.point(0), NDArrayIndex.point(0), NDArrayIndex.all())
                .add(r.get(NDArrayIndex.point(0), NDArrayIndex.point(3), NDArrayIndex.all()))
                .add(r.get(NDArrayIndex.point(1), NDArrayIndex.point(1), NDArrayIndex.all()));
        assertClose("row of id 3", three, dTable.getRow(3), 1e-15);
        // accumulates, also into a strided view
        Embedding.backward(ids, r, dTable);
        INDArray view = Nd4j.zeros(DataType.DOUBLE, 3, 5).transpose();
        Embedding.backward(ids, r, view);
        Embedding.backward(ids, r, view);
        assertClose("two calls, and into a view", dTable, view, 1e-15);
    }

    @Test
    void floatTableGivesFloatRows() {
        INDArray table = randn(4, 5, 3);
        INDArray dy = randn(5, 2, 4, 3);
        INDArray dT = Nd4j.zeros(DataType.DOUBLE, 5, 3);
        INDArray dTF = Nd4j.zeros(DataType.FLOAT, 5, 3);
        INDArray yF = Embedding.forward(ids(DataType.INT32), toFloat(table));
        Embedding.backward(ids(DataType.INT32), dy, dT);
        Embedding.backward(ids(DataType.INT32), toFloat(dy), dTF);
        assertThat(yF.dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float y", Embedding.forward(ids(DataType.INT32), table), yF, 1e-7);
        assertClose("float dTable", dT, dTF, 1e-6);
    }

    @Test
    void idsOutsideTheVocabularyAreNamed() {
        INDArray table = randn(6, 5, 3);
        INDArray bad = Nd4j.createFromArray(new int[][] {{1, 2}, {4, 5}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Embedding.forward(bad, table));
        assertThat(e).hasMessageThat().contains("token id 5 at [1, 1]");
        assertThat(e).hasMessageThat().contains("[0, 5)");
        INDArray negative = Nd4j.createFromArray(new long[][] {{-1, 0}});
        e = assertThrows(IllegalArgumentException.class, () -> Embedding.forward(negative, table));
        assertThat(e).hasMessageThat().contains("token id -1 at [0, 0]");
        assertThrows(IllegalArgumentException.class,
                () -> Embedding.backward(bad, randn(7, 2, 2, 3), Nd4j.zeros(DataType.DOUBLE, 5, 3)));
    }

    @Test
    void rejectsBadShapesAndTypes() {
        INDArray table = randn(8, 5, 3);
        assertThrows(IllegalArgumentException.class, () -> Embedding.forward(randn(9, 2, 2), table));
        assertThrows(IllegalArgumentException.class,
                () -> Embedding.forward(Nd4j.createFromArray(new int[] {1, 2}), table));
        assertThrows(IllegalArgumentException.class, () -> Embedding.forward(ids(DataType.INT32), randn(10, 5, 3, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> Embedding.backward(ids(DataType.INT32), randn(11, 2, 4, 2), Nd4j.zeros(DataType.DOUBLE, 5, 3)));
        assertThrows(IllegalArgumentException.class,
                () -> Embedding.backward(ids(DataType.INT32), toFloat(randn(11, 2, 4, 3)), Nd4j.zeros(DataType.DOUBLE, 5, 3)));
    }

    @Test
    void positionalEmbeddingAddsTheTableToEveryExample() {
        INDArray x = randn(12, 3, 4, 2);
        INDArray table = randn(13, 4, 2);

        INDArray y = PositionalEmbedding.forward(x, table);

        for (int n = 0; n < 3; n++) {
            assertClose("example " + n, x.get(NDArrayIndex.point(n)).add(table), y.get(NDArrayIndex.point(n)), 1e-15);
        }
        // A longer table serves its first T rows.
        INDArray longer = Nd4j.concat(0, table, randn(14, 3, 2));
        assertClose("longer table", y, PositionalEmbedding.forward(x, longer), 0);
    }

    @Test
    void positionalEmbeddingBackwardMatchesFiniteDifferences() {
        INDArray x = randn(15, 3, 4, 2);
        INDArray table = randn(16, 6, 2);
        INDArray r = randn(17, 3, 4, 2);
        INDArray dTable = Nd4j.zeros(DataType.DOUBLE, 6, 2);

        INDArray dx = PositionalEmbedding.backward(r, dTable);

        assertThat(dx == r).isFalse();
        assertGradient("dx", dx, numeric(() -> weightedSum(PositionalEmbedding.forward(x, table), r), x));
        assertGradient("dTable", dTable, numeric(() -> weightedSum(PositionalEmbedding.forward(x, table), r), table));
        PositionalEmbedding.backward(r, dTable);
        INDArray once = Nd4j.zeros(DataType.DOUBLE, 6, 2);
        PositionalEmbedding.backward(r, once);
        assertClose("accumulates", once.mul(2), dTable, 1e-15);
    }

    @Test
    void positionalEmbeddingFloatAndBadArguments() {
        // Large enough for several threads.
        INDArray x = randn(18, 64, 16, 64);
        INDArray table = randn(19, 16, 64);
        INDArray dy = randn(20, 64, 16, 64);
        INDArray dT = Nd4j.zeros(DataType.DOUBLE, 16, 64);
        INDArray dTF = Nd4j.zeros(DataType.FLOAT, 16, 64);
        assertClose("float y", PositionalEmbedding.forward(x, table),
                PositionalEmbedding.forward(toFloat(x), toFloat(table)), 1e-6);
        PositionalEmbedding.backward(dy, dT);
        assertThat(PositionalEmbedding.backward(toFloat(dy), dTF).dataType()).isEqualTo(DataType.FLOAT);
        assertClose("float dTable", dT, dTF, 1e-5);

        assertThrows(IllegalArgumentException.class, () -> PositionalEmbedding.forward(randn(1, 2, 4), randn(2, 4, 4)));
        assertThrows(IllegalArgumentException.class, () -> PositionalEmbedding.forward(randn(1, 2, 4, 3), randn(2, 3, 3)));
        assertThrows(IllegalArgumentException.class, () -> PositionalEmbedding.forward(randn(1, 2, 4, 3), randn(2, 4, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> PositionalEmbedding.forward(randn(1, 2, 4, 3), toFloat(randn(2, 4, 3))));
        assertThrows(IllegalArgumentException.class,
                () -> PositionalEmbedding.backward(randn(1, 2, 4, 3), Nd4j.zeros(DataType.DOUBLE, 3, 3)));
    }
}
