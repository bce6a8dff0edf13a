package dev.lamina.runtime.checkpoint;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.train.RunCheckpoints;
import dev.lamina.runtime.train.TrainingListener;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link RunCheckpoints}, which both trainers resume and save through (here with the test package's
 * {@link TinyMlp}, next to the checkpoint format it writes).
 */
class RunCheckpointsTest {
    /** Records the listener calls, in order. */
    private static final class Calls implements TrainingListener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void onCheckpointSaved(Path file, TrainingPosition position) {
            calls.add("saved " + file.getFileName() + " step " + position.step());
        }

        @Override
        public void onResumed(Path file, TrainingPosition position, int batchCount) {
            calls.add("resumed " + file.getFileName() + " step " + position.step() + " of " + batchCount);
        }
    }

    @Test
    void savedRunResumesIntoAnotherModelAndTellsTheListeners(@TempDir Path tmp) {
        Path file = tmp.resolve("run.lamina");
        TinyMlp saved = new TinyMlp(4, 8, 3, 5);
        TrainingPosition position = new TrainingPosition(7, 1, 2, 11, 4, 20, 1.5, 8);
        Calls calls = new Calls();
        RunCheckpoints.save(file, saved, new Adam(), position, List.of(calls));
        assertThat(Files.exists(file)).isTrue();

        TinyMlp resumed = new TinyMlp(4, 8, 3, 6);
        assertThat(resumed.parameters().get(0).value()).isNotEqualTo(saved.parameters().get(0).value());
        TrainingPosition back = RunCheckpoints.resume(file, resumed, new Adam(), 11, 4, 20, 5, List.of(calls));

        assertThat(back).isEqualTo(position);
        for (int i = 0; i < saved.parameters().size(); i++) {
            INDArray expected = saved.parameters().get(i).value();
            assertThat(resumed.parameters().get(i).value()).isEqualTo(expected);
        }
        assertThat(calls.calls).containsExactly("saved run.lamina step 7", "resumed run.lamina step 7 of 5").inOrder();
    }

    @Test
    void anotherRunsCheckpointIsRefusedNamingTheFile(@TempDir Path tmp) {
        Path file = tmp.resolve("run.lamina");
        RunCheckpoints.save(file, new TinyMlp(4, 8, 3, 5), new Adam(), new TrainingPosition(7, 1, 2, 11, 4, 20, 0, 0),
                List.of());
        Calls calls = new Calls();
        for (int[] run : new int[][] {{12, 4, 20, 5}, {11, 8, 20, 5}, {11, 4, 21, 5}, {11, 4, 20, 1}}) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> RunCheckpoints.resume(file,
                    new TinyMlp(4, 8, 3, 6), new Adam(), run[0], run[1], run[2], run[3], List.of(calls)));
            assertThat(e).hasCauseThat().isInstanceOf(CheckpointException.class);
            assertThat(e).hasCauseThat().hasMessageThat().contains(file.toString());
        }
        assertThat(calls.calls).isEmpty();
    }
}
