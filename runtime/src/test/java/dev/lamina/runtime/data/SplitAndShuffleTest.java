package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shuffling and the train/validation split keep every example whole and in exactly one part. */
class SplitAndShuffleTest {
    /** Example i has features (i, 10 i) and target 100 i, so rows can be told apart after shuffling. */
    private static Dataset numbered(int n) {
        float[][] x = new float[n][2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = i;
            x[i][1] = 10 * i;
            y[i] = 100 * i;
        }
        return Dataset.regression(x, y);
    }

    /** The example numbers of a dataset built by {@link #numbered}, checking that each row is intact. */
    private static List<Integer> exampleIds(Dataset data) {
        List<Integer> ids = new ArrayList<>();
        for (int r = 0; r < data.size(); r++) {
            int id = (int) data.features().getDouble(r, 0);
            assertThat(data.features().getDouble(r, 1)).isEqualTo(10.0 * id);
            assertThat(data.labels().getDouble(r, 0)).isEqualTo(100.0 * id);
            ids.add(id);
        }
        return ids;
    }

    @Test
    void shuffleIsAReproduciblePermutationOfWholeExamples() {
        Dataset data = numbered(50);

        List<Integer> once = exampleIds(data.shuffle(3));
        List<Integer> again = exampleIds(data.shuffle(3));
        List<Integer> other = exampleIds(data.shuffle(4));

        assertThat(once).isEqualTo(again);
        assertThat(once).isNotEqualTo(other);
        assertThat(once).containsExactlyElementsIn(exampleIds(data));
        assertThat(once).isNotEqualTo(exampleIds(data));
        assertThat(exampleIds(data)).isInOrder(); // the original is unchanged
    }

    @Test
    void splitHoldsOutTheRoundedUpFractionAndEveryExampleOnce() {
        Dataset data = numbered(51);

        Dataset.Split split = data.split(0.2, 9);

        // ceil(0.2 * 51) = 11, as scikit-learn's train_test_split rounds test_size.
        assertThat(split.validation().size()).isEqualTo(11);
        assertThat(split.train().size()).isEqualTo(40);
        Set<Integer> all = new HashSet<>(exampleIds(split.train()));
        all.addAll(exampleIds(split.validation()));
        assertThat(all).hasSize(51);
        assertThat(split.train().isRegression()).isTrue();
        assertThat(exampleIds(data.split(0.2, 9).validation())).isEqualTo(exampleIds(split.validation()));
    }

    @Test
    void classesAndNamesFollowTheirExamples() {
        INDArray x = Nd4j.createFromArray(new float[][] {{0}, {1}, {2}, {3}, {4}, {5}});
        Dataset data = Dataset.of(x, new int[] {0, 1, 2, 0, 1, 2}, 3).withClassNames(List.of("a", "b", "c"));

        Dataset shuffled = data.shuffle(1);

        for (int r = 0; r < 6; r++) {
            int id = (int) shuffled.features().getDouble(r, 0);
            assertThat(shuffled.classOf(r)).isEqualTo(id % 3);
            assertThat(shuffled.labels().getDouble(r, id % 3)).isEqualTo(1.0);
        }
        assertThat(shuffled.classNames()).containsExactly("a", "b", "c").inOrder();
        assertThat(data.split(0.5, 2).validation().classNames()).containsExactly("a", "b", "c").inOrder();
    }

    @Test
    void perPositionLabelsMoveWithTheirSequences() {
        INDArray tokens = Nd4j.createFromArray(new int[][] {{1, 2}, {3, 4}, {5, 6}, {7, 0}});
        INDArray next = Nd4j.createFromArray(new int[][] {{2, 3}, {4, 5}, {6, 7}, {0, 1}});
        Dataset data = Dataset.perPosition(tokens, next, 8);

        Dataset shuffled = data.shuffle(5);

        int[] classes = shuffled.classes();
        for (int r = 0; r < 4; r++) {
            for (int t = 0; t < 2; t++) {
                assertThat(classes[2 * r + t]).isEqualTo((shuffled.features().getInt(r, t) + 1) % 8);
            }
        }
    }

    @Test
    void badFractionsAndEmptyPartsAreRejected() {
        Dataset data = numbered(3);

        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> data.split(0, 1));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> data.split(Double.NaN, 1));
        IllegalArgumentException all = assertThrows(IllegalArgumentException.class, () -> data.split(0.9, 1));

        assertThat(zero).hasMessageThat().contains("between 0 and 1");
        assertThat(nan).hasMessageThat().contains("found NaN");
        assertThat(all).hasMessageThat().contains("leaves none for training");
    }

    @Test
    void regressionFromArraysAndTheirErrors() {
        Dataset one = Dataset.regression(new float[][] {{1, 2}, {3, 4}}, new float[] {5, 6});
        Dataset two = Dataset.regression(new float[][] {{1}, {2}}, new float[][] {{1, 2}, {3, 4}});

        assertThat(one.labels().shape()).isEqualTo(new long[] {2, 1});
        assertThat(one.numClasses()).isEqualTo(0);
        assertThat(one.classes()).isEmpty();
        assertThat(one.labelsPerExample()).isEqualTo(0);
        assertThat(two.labels().shape()).isEqualTo(new long[] {2, 2});
        assertThat(one.toString()).contains("regression targets [2, 1]");
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> Dataset.regression(new float[][] {{1, 2}, {3}}, new float[] {1, 2}));
        assertThat(ragged).hasMessageThat().contains("row 1 has 1 values but row 0 has 2");
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> Dataset.regression(new float[][] {{1}, {2}}, new float[] {1, 2, 3}));
        assertThat(count).hasMessageThat().contains("same number of examples");
        IllegalArgumentException names = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[][] {{1}, {2}}, new int[] {0, 1}, 2).withClassNames(List.of("x")));
        assertThat(names).hasMessageThat().contains("expected 2 class names");
    }
}
