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
}
