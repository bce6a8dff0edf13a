package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 15, 16, 17, 1000})
    void coversEveryIndexExactlyOnce(int n) {
        AtomicIntegerArray visits = new AtomicIntegerArray(n);

        Parallel.forRange(n, Parallel.MIN_PARALLEL_WORK, (from, to) -> {
            for (int i = from; i < to; i++) {
                visits.incrementAndGet(i);
            }
        });

        for (int i = 0; i < n; i++) {
            assertThat(visits.get(i)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, Parallel.MIN_PARALLEL_WORK})
    void rethrowsFailuresOfAnyChunk(long work) {
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Parallel.forRange(64, work, (from, to) -> {
                    if (to == 64) {
                        throw new IllegalStateException("last chunk");
                    }
                }));

        assertThat(thrown).hasMessageThat().isEqualTo("last chunk");
    }
}
