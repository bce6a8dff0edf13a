package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Drop-last ({@code new Batches(data, size, seed, true)}), as PyTorch's {@code drop_last}. */
class BatchesDropLastTest {
    /** N examples [N, 2] whose features are both i, class i mod 3. */
    private static Dataset numbered(int n) {
        INDArray features = Nd4j.create(DataType.FLOAT, n, 2);
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            features.getRow(i).assign(i);
            classes[i] = i % 3;
        }
        return Dataset.of(features, classes, 3);
    }

    private static List<Integer> ids(Batch batch) {
        List<Integer> ids = new ArrayList<>();
        for (int b = 0; b < batch.size(); b++) {
            ids.add((int) batch.features().getDouble(b, 0));
        }
        return ids;
    }

    @Test
    void everyBatchIsFullAndEachEpochDropsTheRemainderOfItsOwnShuffle() {
        Dataset data = numbered(23);
        Batches batches = new Batches(data, 5, 7, true);
        assertThat(batches.batchCount()).isEqualTo(4);
        assertThat(batches.examplesPerEpoch()).isEqualTo(20);

        Set<Set<Integer>> droppedPerEpoch = new HashSet<>();
        for (int epoch = 0; epoch < 4; epoch++) {
            Set<Integer> visited = new HashSet<>();
            int count = 0;
            for (Batch batch : batches.epoch(epoch)) {
                assertThat(batch.size()).isEqualTo(5);
                visited.addAll(ids(batch));
                count++;
            }
            assertThat(count).isEqualTo(4);
            assertThat(visited).hasSize(20);
            // The dropped 3 are the last of this epoch's permutation.
            int[] order = Batches.permutation(23, 7 + epoch);
            Set<Integer> dropped = Set.of(order[20], order[21], order[22]);
            for (int id : dropped) {
                assertThat(visited).doesNotContain(id);
            }
            droppedPerEpoch.add(dropped);
        }
        assertThat(droppedPerEpoch.size()).isGreaterThan(1);
        // Resuming mid-epoch skips the same batches either way.
        assertThat(ids(batches.epoch(1, 3).iterator().next()))
                .isEqualTo(ids(new Batches(data, 5, 7, false).epoch(1, 3).iterator().next()));
    }

    @Test
    void withoutDropLastOrWithoutARemainderNothingIsDropped() {
        assertThat(new Batches(numbered(23), 5, 7).batchCount()).isEqualTo(5);
        assertThat(new Batches(numbered(23), 5, 7).examplesPerEpoch()).isEqualTo(23);
        Batches exact = new Batches(numbered(20), 5, 7, true);
        assertThat(exact.batchCount()).isEqualTo(4);
        assertThat(exact.examplesPerEpoch()).isEqualTo(20);
    }

    @Test
    void dropLastWithFewerExamplesThanOneBatchIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Batches(numbered(4), 5, 7, true));
        assertThat(e).hasMessageThat().contains("4 examples are fewer than one batch of 5");
        assertThat(new Batches(numbered(4), 5, 7, false).batchCount()).isEqualTo(1);
    }
}
