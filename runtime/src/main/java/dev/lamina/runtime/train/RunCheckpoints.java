package dev.lamina.runtime.train;

import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointException;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A training run's checkpoints as the trainers resume and save them ({@link Trainer}, and the Spark
 * module's trainer on its driver): one place for the checks a resumed run must pass and for the
 * listeners' notices.
 */
public final class RunCheckpoints {
    private RunCheckpoints() {}

    /**
     * Continues the run saved in {@code file}: checks that it is of a run with this seed, batch size and
     * training-set size, at a position that fits {@code batchCount} batches per epoch, restores the model's
     * parameters and buffers and the optimizer's state from it, and tells each listener
     * ({@link TrainingListener#onResumed}).
     *
     * @param file       a checkpoint written by {@link #save}
     * @param model      restored in place
     * @param optimizer  restored in place
     * @param seed       this run's seed
     * @param batchSize  this run's batch size
     * @param examples   this run's training-set size
     * @param batchCount batches per epoch
     * @param listeners  told of the resume, in order
     * @return the saved position to go on from
     * @throws UncheckedIOException if the file cannot be read, or caused by a {@link CheckpointException}
     *     naming the file if it is of another run or does not fit this model and optimizer
     */
    public static TrainingPosition resume(Path file, Model model, Optimizer optimizer, long seed, int batchSize,
            int examples, int batchCount, List<TrainingListener> listeners) {
        try {
            Checkpoint checkpoint = CheckpointFile.read(file);
            TrainingPosition p = checkpoint.position();
            if (p.seed() != seed || p.batchSize() != batchSize || p.examples() != examples) {
                throw new CheckpointException(file, "checkpoint is of a run with seed " + p.seed() + ", batch size "
                        + p.batchSize() + " and " + p.examples() + " training examples, but this run has seed " + seed
                        + ", batch size " + batchSize + " and " + examples + " training examples");
            }
            if (p.epoch() < 0 || p.batch() < 0 || p.batch() > batchCount || p.step() < 0) {
                throw new CheckpointException(file, "checkpoint position (step " + p.step() + ", epoch " + p.epoch()
                        + ", batch " + p.batch() + ") does not fit " + batchCount + " batches per epoch");
            }
            checkpoint.restoreInto(model, optimizer, file);
            for (TrainingListener l : listeners) {
                l.onResumed(file, p, batchCount);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the model's and optimizer's state at {@code position} to {@code file} ({@link CheckpointFile},
     * atomically: the previous checkpoint stays whole until the new one is complete), then tells each
     * listener ({@link TrainingListener#onCheckpointSaved}).
     *
     * @param file      where the checkpoint goes
     * @param model     whose parameters and buffers are saved
     * @param optimizer whose state is saved
     * @param position  where in the run this is
     * @param listeners told of the save, in order
     * @throws UncheckedIOException naming the file if it cannot be written (the previous one, if any, is intact)
     */
    public static void save(Path file, Model model, Optimizer optimizer, TrainingPosition position,
            List<TrainingListener> listeners) {
        try {
            CheckpointFile.write(file, Checkpoint.capture(model, optimizer, position));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + file + " (the previous one, if"
                    + " any, is intact)", e);
        }
        for (TrainingListener l : listeners) {
            l.onCheckpointSaved(file, position);
        }
    }
}
