package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DatasetTest {
    @Test
    void oneHotLabelsFromClasses() {
        Dataset data = Dataset.of(Nd4j.rand(DataType.FLOAT, 4, 2), new int[] {2, 0, 1, 2}, 3);

        assertThat(data.size()).isEqualTo(4);
        assertThat(data.numClasses()).isEqualTo(3);
        assertThat(data.labels()).isEqualTo(Nd4j.createFromArray(new float[][] {
            {0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
    }

    @Test
    void sliceSharesMemoryAndKeepsClasses() {
        INDArray features = Nd4j.arange(0, 10).castTo(DataType.FLOAT).reshape(5, 2);
        Dataset data = Dataset.of(features, new int[] {0, 1, 0, 1, 1}, 2);

        Dataset slice = data.slice(1, 4);

        assertThat(slice.size()).isEqualTo(3);
        assertThat(slice.classes()).isEqualTo(new int[] {1, 0, 1});
        assertThat(slice.features().getDouble(0, 1)).isEqualTo(3.0);
        features.putScalar(1, 1, 99);
        assertThat(slice.features().getDouble(0, 1)).isEqualTo(99.0);
    }

    @Test
    void classesAreDefensivelyCopied() {
        int[] classes = {0, 1};
        Dataset data = Dataset.of(Nd4j.zeros(2, 3), classes, 2);
        classes[0] = 1;
        data.classes()[1] = 0;
        assertThat(data.classes()).isEqualTo(new int[] {0, 1});
    }

    @Test
    void rejectsInconsistentInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(Nd4j.zeros(3, 2), new int[] {0, 1}, 2));
        assertThat(e).hasMessageThat().contains("same number of examples");
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(Nd4j.zeros(2, 2), new int[] {0, 5}, 3));
        assertThat(e).hasMessageThat().contains("found 5");
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(Nd4j.zeros(2, 2), new int[] {0, 1}, 2)
                .slice(1, 3));
        assertThat(e).hasMessageThat().contains("[1, 3)");
    }

    @Test
    void perPositionLabelsAreClassIdsInRowMajorOrder() {
        INDArray ids = Nd4j.createFromArray(new int[][] {{1, 2, 3}, {4, 5, 6}});
        INDArray labels = Nd4j.createFromArray(new int[][] {{2, 3, 0}, {5, 6, 1}});
        Dataset data = Dataset.perPosition(ids, labels, 7);

        assertThat(data.size()).isEqualTo(2);
        assertThat(data.perPosition()).isTrue();
        assertThat(data.labelsPerExample()).isEqualTo(3);
        assertThat(data.numClasses()).isEqualTo(7);
        assertThat(data.classes()).isEqualTo(new int[] {2, 3, 0, 5, 6, 1});
        assertThat(data.classOf(4)).isEqualTo(6);
        Dataset second = data.slice(1, 2);
        assertThat(second.classes()).isEqualTo(new int[] {5, 6, 1});
        assertThat(second.features().toIntVector()).isEqualTo(new int[] {4, 5, 6});
        assertThat(second.numClasses()).isEqualTo(7);
        assertThat(data.toString()).isEqualTo("Dataset[N=2, K=7, T=3 labels per example, features [2, 3] INT]");
    }

    @Test
    void oneClassPerExampleForTokensHasFloatOneHotLabels() {
        Dataset data = Dataset.of(Nd4j.createFromArray(new long[][] {{1, 2}, {3, 4}}), new int[] {1, 0}, 2);
        assertThat(data.perPosition()).isFalse();
        assertThat(data.labelsPerExample()).isEqualTo(1);
        assertThat(data.features().dataType().isIntType()).isTrue();
        assertThat(data.labels()).isEqualTo(Nd4j.createFromArray(new float[][] {{0, 1}, {1, 0}}));
    }

    @Test
    void perPositionLabelsOutOfRangeOrOfTheWrongKindAreRejected() {
        INDArray ids = Nd4j.zeros(DataType.INT32, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.perPosition(ids, Nd4j.createFromArray(new int[][] {{0, 1, 2}, {3, 7, 0}}), 7));
        assertThat(e).hasMessageThat().isEqualTo("class of example 1 at position 1 must be in [0, 7), found 7");
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.perPosition(ids, Nd4j.zeros(DataType.FLOAT, 2, 3), 7));
        assertThat(e).hasMessageThat().contains("must be integer class ids [N, T], found FLOAT [2, 3]");
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.perPosition(Nd4j.zeros(DataType.INT32, 3, 3), Nd4j.zeros(DataType.INT32, 2, 3), 7));
        assertThat(e).hasMessageThat().contains("must have the same number of examples N");
        e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset(ids, Nd4j.zeros(DataType.INT32, 2, 3), new int[] {0, 0, 0, 0, 0, 1}, 7));
        assertThat(e).hasMessageThat().isEqualTo("class of example 1 at position 2 is 1 but the label holds 0");
        e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset(ids, Nd4j.zeros(DataType.INT32, 2, 3), new int[6]));
        assertThat(e).hasMessageThat().contains("Dataset.perPosition(features, labels, numClasses)");
        e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset(ids, Nd4j.zeros(DataType.FLOAT, 2, 3), new int[2], 4));
        assertThat(e).hasMessageThat().contains("numClasses must be >= 1 and the width of the one-hot labels [2, 3],"
                + " found 4");
    }
}
