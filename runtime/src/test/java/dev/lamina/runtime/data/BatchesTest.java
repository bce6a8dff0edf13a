package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchesTest {
    /** N examples [N, 1, 2, 3] whose every feature of example i equals i, with classes i mod K. */
    private static Dataset numbered(int n, int k) {
        INDArray features = Nd4j.create(DataType.FLOAT, n, 1, 2, 3);
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            features.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(i);
            classes[i] = i % k;
        }
        return Dataset.of(features, classes, k);
    }

    /** The example ids in a batch, read back from the features, checking every feature and the label. */
    private static int[] ids(Batch batch, int k) {
        int[] ids = new int[batch.size()];
        for (int b = 0; b < ids.length; b++) {
            INDArray row = batch.features().get(org.nd4j.linalg.indexing.NDArrayIndex.point(b));
            ids[b] = (int) row.getDouble(0, 0, 0);
            assertThat(row.minNumber().doubleValue()).isEqualTo((double) ids[b]);
            assertThat(row.maxNumber().doubleValue()).isEqualTo((double) ids[b]);
            assertThat(batch.labels().getDouble(b, ids[b] % k)).isEqualTo(1.0);
            assertThat(batch.labels().getRow(b).sumNumber().doubleValue()).isEqualTo(1.0);
        }
        return ids;
    }

    @Test
    void permutationIsFisherYatesSeededPerCall() {
        int[] order = Batches.permutation(100, 42);
        assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(IntStream.range(0, 100).toArray());
        assertThat(Batches.permutation(100, 42)).isEqualTo(order);
        assertThat(Batches.permutation(100, 43)).isNotEqualTo(order);
        assertThat(order).isNotEqualTo(IntStream.range(0, 100).toArray());
    }

    @Test
    void everyEpochVisitsEveryExampleOnceAndKeepsTheLastPartialBatch() {
        Dataset data = numbered(23, 4);
        Batches batches = new Batches(data, 5, 7);
        assertThat(batches.batchCount()).isEqualTo(5);

        List<Integer> sizes = new ArrayList<>();
        List<Integer> visited = new ArrayList<>();
        for (Batch batch : batches.epoch(0)) {
            assertThat(batch.features().shape()).asList().containsExactly((long) batch.size(), 1L, 2L, 3L).inOrder();
            sizes.add(batch.size());
            for (int id : ids(batch, 4)) {
                visited.add(id);
            }
        }

        assertThat(sizes).containsExactly(5, 5, 5, 5, 3).inOrder();
        assertThat(visited).containsExactlyElementsIn(IntStream.range(0, 23).boxed().toList());
        // The order is exactly the permutation of Random(seed + epoch).
        assertThat(visited).containsExactlyElementsIn(Arrays.stream(Batches.permutation(23, 7 + 0)).boxed().toList())
                .inOrder();
    }

    @Test
    void epochsAreShuffledDifferentlyAndReproducibly() {
        Dataset data = numbered(30, 3);
        Batches batches = new Batches(data, 30, 0);
        int[] epoch0 = ids(batches.epoch(0).iterator().next(), 3);
        int[] epoch1 = ids(batches.epoch(1).iterator().next(), 3);
        int[] epoch1Again = ids(new Batches(data, 30, 0).epoch(1).iterator().next(), 3);

        assertThat(epoch1).isNotEqualTo(epoch0);
        assertThat(epoch1Again).isEqualTo(epoch1);
    }

    @Test
    void gathersFromASlicedDataset() {
        Dataset data = numbered(20, 5).slice(10, 17);
        List<Integer> visited = new ArrayList<>();
        for (Batch batch : new Batches(data, 3, 1).epoch(0)) {
            for (int id : ids(batch, 5)) {
                visited.add(id);
            }
        }
        assertThat(visited).containsExactly(10, 11, 12, 13, 14, 15, 16);
    }

    @Test
    void inOrderYieldsViewsInSequence() {
        Dataset data = numbered(7, 2);
        List<Integer> visited = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (Batch batch : Batches.inOrder(data, 3)) {
            sizes.add(batch.size());
            for (int id : ids(batch, 2)) {
                visited.add(id);
            }
        }
        assertThat(sizes).containsExactly(3, 3, 1).inOrder();
        assertThat(visited).containsExactly(0, 1, 2, 3, 4, 5, 6).inOrder();
    }

    /**
     * Token sequences [n, 4] of the given type whose tokens in example i are 10 i + position, with
     * labels per position (10 i + position) mod 7 in the same type.
     */
    private static Dataset tokens(int n, DataType type) {
        long[][] ids = new long[n][4];
        long[][] labels = new long[n][4];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 4; t++) {
                ids[i][t] = 10L * i + t;
                labels[i][t] = ids[i][t] % 7;
            }
        }
        return Dataset.perPosition(Nd4j.createFromArray(ids).castTo(type), Nd4j.createFromArray(labels).castTo(type), 7);
    }

    @Test
    void tokenBatchesKeepTheirIntegerTypeAndFollowTheSameShuffle() {
        for (DataType type : new DataType[] {DataType.INT32, DataType.INT64}) {
            Dataset data = tokens(23, type);
            List<Integer> visited = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            for (Batch batch : new Batches(data, 5, 7).epoch(0)) {
                assertThat(batch.features().dataType()).isEqualTo(type);
                assertThat(batch.labels().dataType()).isEqualTo(type);
                assertThat(batch.labels().shape()).isEqualTo(new long[] {batch.size(), 4});
                sizes.add(batch.size());
                long[][] ids = batch.features().toLongMatrix();
                long[][] labels = batch.labels().toLongMatrix();
                for (int b = 0; b < batch.size(); b++) {
                    int example = (int) (ids[b][0] / 10);
                    visited.add(example);
                    for (int t = 0; t < 4; t++) {
                        assertThat(ids[b][t]).isEqualTo(10L * example + t);
                        assertThat(labels[b][t]).isEqualTo((10L * example + t) % 7);
                    }
                }
            }
            assertThat(sizes).containsExactly(5, 5, 5, 5, 3).inOrder();
            // The same order as for images: the permutation of Random(seed + epoch).
            assertThat(visited).containsExactlyElementsIn(Arrays.stream(Batches.permutation(23, 7)).boxed().toList())
                    .inOrder();
        }
    }

    @Test
    void invalidBatchSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Batches(numbered(3, 2), 0, 0));
        assertThat(e).hasMessageThat().contains("found 0");
    }
}
