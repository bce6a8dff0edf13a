package dev.lamina.examples.report;

import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * {@code metrics.csv}: one row per epoch, appended and flushed as soon as the epoch ends, so a run that
 * stops early or crashes keeps the rows of its finished epochs. Columns:
 *
 * <pre>
 * epoch,train_loss,train_accuracy,test_loss,test_accuracy,images_per_second,epoch_seconds
 * 1,0.183062,0.945117,0.061248,0.980300,2143.5,34.712
 * </pre>
 *
 * Accuracies are fractions in [0, 1]; losses are means over the examples; {@code images_per_second}
 * is training throughput; {@code epoch_seconds} is wall-clock time of training and evaluation.
 */
public final class MetricsCsv implements TrainingListener {
    /** The first line of the file. */
    public static final String HEADER =
            "epoch,train_loss,train_accuracy,test_loss,test_accuracy,images_per_second,epoch_seconds";

    private final Path file;

    /**
     * Creates {@code file} (and its directory) with the header line, replacing an existing file.
     *
     * @throws IOException if it cannot be written
     */
    public MetricsCsv(Path file) throws IOException {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
    }

    /** The row of one epoch, without a line end. */
    public static String row(EpochMetrics m) {
        return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f", m.epoch(), m.trainLoss(),
                m.trainAccuracy(), m.testLoss(), m.testAccuracy(), m.imagesPerSecond(), m.elapsedSeconds());
    }

    /** @throws UncheckedIOException if the row cannot be appended */
    @Override
    public void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {
        try {
            Files.writeString(file, row(metrics) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file written. */
    public Path file() {
        return file;
    }
}
