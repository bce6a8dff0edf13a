package dev.lamina.examples.report;

import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.io.AtomicFiles;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv}: one row per epoch, written as soon as the epoch ends, so a run that stops early
 * or crashes keeps the rows of its finished epochs. Columns:
 *
 * <pre>
 * epoch,train_loss,train_accuracy,test_loss,test_accuracy,images_per_second,epoch_seconds
 * 1,0.183062,0.945117,0.061248,0.980300,2143.5,34.712
 * </pre>
 *
 * Accuracies are fractions in [0, 1]; losses are means over the examples; {@code images_per_second}
 * is training throughput; {@code epoch_seconds} is wall-clock time of training and evaluation.
 *
 * <p>Every change replaces the whole file atomically ({@link AtomicFiles}): a reader, or this program
 * after a crash, finds the previous rows or the previous rows and the new one, never a torn line.
 * Register this listener after the one that writes the epoch's checkpoint, so that a row is written
 * only once its checkpoint exists.
 *
 * <p>A resumed run ({@link #resuming}) keeps the history: nothing is read or written until the trainer
 * has read and accepted the checkpoint ({@link #onResumed}); then the rows of the epochs the
 * checkpoint had finished are kept, byte for byte, and the new epochs' rows follow them. Rows of
 * later epochs (of a run that went further than the checkpoint), which the resumed run trains
 * again, are first saved to {@code <name>-before-resume-at-epoch-<N>.csv} beside the file.
 */
public final class MetricsCsv implements TrainingListener {
    /** The first line of the file. */
    public static final String HEADER =
            "epoch,train_loss,train_accuracy,test_loss,test_accuracy,images_per_second,epoch_seconds";

    private final Path file;
    private final Path earlier;
    private final List<String> lines = new ArrayList<>();
    private final List<EpochMetrics> rows = new ArrayList<>();
    /** Rows a resume supersedes, with where to save them, until the first new row is written. */
    private String superseded;
    private Path supersededFile;

    private MetricsCsv(Path file, Path earlier) {
        this.file = file;
        this.earlier = earlier;
    }

    /**
     * For a new run: creates {@code file} (and its directory) with the header line, replacing an
     * existing file.
     *
     * @param file the run's {@code metrics.csv}
     * @throws IOException if it cannot be written; the message names it
     */
    public MetricsCsv(Path file) throws IOException {
        this(file, null);
        AtomicFiles.writeString(file, HEADER + "\n");
    }

    /**
     * For a run resumed from a checkpoint: touches nothing now. When the trainer has accepted the
     * checkpoint ({@link #onResumed}), reads the rows of its finished epochs from {@code file} if it
     * exists, else from {@code earlier} (the {@code metrics.csv} of the run that wrote the checkpoint,
     * when it is in another directory) if that exists; the first new epoch rewrites {@code file} with
     * them and its own row.
     *
     * @param file    the run's {@code metrics.csv}, existing or not
     * @param earlier where else to find the earlier rows, or null
     * @return a listener that writes {@code file}
     */
    public static MetricsCsv resuming(Path file, Path earlier) {
        return new MetricsCsv(file, earlier);
    }

    /** The row of one epoch, without a line end. */
    public static String row(EpochMetrics m) {
        return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f", m.epoch(), m.trainLoss(),
                m.trainAccuracy(), m.testLoss(), m.testAccuracy(), m.imagesPerSecond(), m.elapsedSeconds());
    }

    /**
     * Reads the rows of a {@code metrics.csv}.
     *
     * @param file a file this class wrote
     * @return its rows, in file order
     * @throws IOException if it cannot be read or is not such a file; the message names the file, the
     *     line and what to do
     */
    public static List<EpochMetrics> read(Path file) throws IOException {
        return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8), new ArrayList<>());
    }

    private static List<EpochMetrics> parse(Path file, List<String> text, List<String> keptLines) throws IOException {
        String fix = "; move it away, or write the resumed run to another directory with -o";
        if (text.isEmpty() || !text.get(0).equals(HEADER)) {
            throw new IOException(file + ": not a metrics.csv of Lamina: the first line is not the header "
                    + HEADER + fix);
        }
        List<EpochMetrics> parsed = new ArrayList<>();
        for (int i = 1; i < text.size(); i++) {
            String line = text.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            try {
                if (cells.length != 7) {
                    throw new NumberFormatException(cells.length + " cells, not 7");
                }
                parsed.add(new EpochMetrics(Integer.parseInt(cells[0]), Double.parseDouble(cells[1]),
                        Double.parseDouble(cells[3]), Double.parseDouble(cells[4]), Double.parseDouble(cells[5]),
                        Double.parseDouble(cells[6]), Double.parseDouble(cells[2])));
                keptLines.add(line);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": line " + (i + 1) + " is not a row of metrics (" + e.getMessage()
                        + ")" + fix, e);
            }
        }
        return parsed;
    }

    /**
     * Where a run resumed into {@code file} finds its earlier rows: {@code file} if it exists, else
     * {@code earlier} if that exists, else null (see {@link #resuming}).
     *
     * @param file    the resumed run's {@code metrics.csv}
     * @param earlier the {@code metrics.csv} beside the checkpoint, or null
     * @return the file read for the history, or null when there is none
     */
    public static Path historySource(Path file, Path earlier) {
        return Files.exists(file) ? file : earlier != null && Files.exists(earlier) ? earlier : null;
    }

    /**
     * Why the rows of {@code source} are not the history of a checkpoint that finished {@code epoch}
     * epochs: its rows of epochs up to {@code epoch} must be exactly 1, 2, ..., {@code epoch}, in order.
     *
     * @param source a {@code metrics.csv}
     * @param epoch  the epochs the checkpoint had finished
     * @return the problem, one sentence naming the missing (or repeated, or out of order) epochs, or empty
     * @throws IOException if {@code source} cannot be read or is not a metrics file; the message names it
     */
    public static java.util.Optional<String> historyProblem(Path source, int epoch) throws IOException {
        List<Integer> kept = new ArrayList<>();
        for (EpochMetrics m : read(source)) {
            if (m.epoch() <= epoch) {
                kept.add(m.epoch());
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int e = 1; e <= epoch; e++) {
            expected.add(e);
        }
        if (kept.equals(expected)) {
            return java.util.Optional.empty();
        }
        List<Integer> missing = new ArrayList<>(expected);
        missing.removeAll(kept);
        return java.util.Optional.of(source + " should hold the rows of epochs 1 to " + epoch + " of that run, but holds "
                + (kept.isEmpty() ? "none of them" : "rows of epochs " + kept)
                + (missing.isEmpty() ? "" : ", missing " + missing));
    }

    /**
     * Reads the earlier rows once the trainer has accepted the checkpoint, keeping those of the epochs
     * it had finished; see {@link #resuming}.
     *
     * @throws UncheckedIOException if the existing file cannot be read or is not a metrics file; it is
     *     then untouched
     */
    @Override
    public void onResumed(Path checkpoint, TrainingPosition position, int batchCount) {
        Path source = historySource(file, earlier);
        if (source == null) {
            return;
        }
        try {
            List<String> text = Files.readAllLines(source, StandardCharsets.UTF_8);
            List<String> all = new ArrayList<>();
            List<EpochMetrics> parsed = parse(source, text, all);
            for (int i = 0; i < parsed.size(); i++) {
                if (parsed.get(i).epoch() <= position.epoch()) {
                    rows.add(parsed.get(i));
                    lines.add(all.get(i));
                }
            }
            if (source.equals(file) && rows.size() < parsed.size()) {
                superseded = String.join("\n", text) + "\n";
                String name = file.getFileName().toString().replaceFirst("\\.csv$", "");
                supersededFile = file.resolveSibling(name + "-before-resume-at-epoch-" + position.epoch() + ".csv");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** @throws UncheckedIOException if the file cannot be written; it then keeps its previous rows */
    @Override
    public void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (String line : lines) {
            text.append(line).append('\n');
        }
        String row = row(metrics);
        text.append(row).append('\n');
        try {
            if (superseded != null) {
                AtomicFiles.writeString(supersededFile, superseded);
                superseded = null;
            }
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + e.getMessage(), e);
        }
        lines.add(row);
        rows.add(metrics);
    }

    /** {@return every row of the file, earlier runs' included, in order} */
    public List<EpochMetrics> rows() {
        return List.copyOf(rows);
    }

    /** The file written. */
    public Path file() {
        return file;
    }
}
