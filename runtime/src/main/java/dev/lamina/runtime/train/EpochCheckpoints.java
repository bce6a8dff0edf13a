package dev.lamina.runtime.train;

import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a checkpoint ({@link CheckpointFile}) after every epoch's evaluation to
 * {@code <directory>/checkpoint-epoch-<N>.lamina}, {@code N} from 1, keeping all of them (unlike
 * {@code Trainer.Builder.checkpoint}, which replaces one file). Each holds the position at the start
 * of the next epoch, so {@code Trainer.Builder.resumeFrom} continues the run from it, and its
 * parameters and buffers serve for inference ({@link Checkpoint#restoreModelInto}).
 */
public final class EpochCheckpoints implements TrainingListener {
    private final Model model;
    private final Optimizer optimizer;
    private final Path directory;
    private final Map<String, String> metadata;
    private final List<Path> written = new ArrayList<>();

    /**
     * Writes checkpoints of {@code model} and {@code optimizer} into {@code directory}.
     *
     * @param model     the model being trained
     * @param optimizer its optimizer, whose state the checkpoints hold too
     * @param directory created if missing
     */
    public EpochCheckpoints(Model model, Optimizer optimizer, Path directory) {
        this(model, optimizer, directory, Map.of());
    }

    /**
     * Writes checkpoints of {@code model} and {@code optimizer} into {@code directory}, each with
     * {@code metadata} ({@link Checkpoint#metadata()}).
     *
     * @param model     the model being trained
     * @param optimizer its optimizer, whose state the checkpoints hold too
     * @param directory created if missing
     * @param metadata  what the program records about the run in every checkpoint (copied)
     */
    public EpochCheckpoints(Model model, Optimizer optimizer, Path directory, Map<String, String> metadata) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.metadata = new LinkedHashMap<>(metadata);
    }

    /**
     * Names the checkpoint of an epoch.
     *
     * @param directory the run's directory
     * @param epoch     the epoch, 1-based
     * @return {@code directory/checkpoint-epoch-<epoch>.lamina}
     */
    public static Path fileFor(Path directory, int epoch) {
        return directory.resolve("checkpoint-epoch-" + epoch + ".lamina");
    }

    /** @throws UncheckedIOException if the checkpoint cannot be written */
    @Override
    public void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {
        Path file = fileFor(directory, metrics.epoch());
        try {
            Files.createDirectories(directory);
            CheckpointFile.write(file, Checkpoint.capture(model, optimizer, position).withMetadata(metadata));
        } catch (IOException e) {
            // AtomicFiles' messages start with the file; others get it here.
            String message = String.valueOf(e.getMessage());
            throw new UncheckedIOException("could not write checkpoint "
                    + (message.startsWith(file.toString()) ? message : file + ": " + message), e);
        }
        written.add(file);
    }

    /** {@return the files written so far, in order} */
    public List<Path> written() {
        return List.copyOf(written);
    }
}
