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
import java.util.Optional;

/**
 * {@code metrics.csv}: one row per epoch, written as soon as the epoch ends, so a run that stops early
 * or crashes keeps the rows of its finished epochs. Columns:
 *
 * <pre>
 * epoch,train_loss,train_accuracy,test_loss,test_accuracy,images_per_second,epoch_seconds,run_id
 * 1,0.183062,0.945117,0.061248,0.980300,2143.5,34.712,5f0e8a1c-4b2d-4c55-9a57-0d1e2f3a4b5c
 * </pre>
 *
 * Accuracies are fractions in [0, 1]; losses are means over the examples; {@code images_per_second}
 * is training throughput; {@code epoch_seconds} is wall-clock time of training and evaluation;
 * {@code run_id} names the process that trained the epoch (the {@code train} command gives each
 * invocation, a resume included, a random id and records it in that epoch's checkpoint too), so that
 * a resume can tell its checkpoint's rows from another run's; empty when none was given. Files
 * written before the column existed (seven columns) are still read, their rows with no run id.
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
            "epoch,train_loss,train_accuracy,test_loss,test_accuracy,images_per_second,epoch_seconds,run_id";
    /** The header of files written before the {@code run_id} column. */
    static final String HEADER_WITHOUT_RUN_ID = HEADER.substring(0, HEADER.lastIndexOf(','));

    private final Path file;
    private final Path earlier;
    private final String runId;
    private final List<String> lines = new ArrayList<>();
    private final List<EpochMetrics> rows = new ArrayList<>();
    /** Rows a resume supersedes, with where to save them, until the first new row is written. */
    private String superseded;
    private Path supersededFile;

    private MetricsCsv(Path file, Path earlier, String runId) {
        this.file = file;
        this.earlier = earlier;
        this.runId = runId == null ? "" : checkRunId(runId);
    }

    private static String checkRunId(String runId) {
        if (!runId.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("a run id holds letters, digits, '.', '_' and '-' only, found '"
                    + runId + "'");
        }
        return runId;
    }

    /**
     * For a new run: creates {@code file} (and its directory) with the header line, replacing an
     * existing file.
     *
     * @param file the run's {@code metrics.csv}
     * @throws IOException if it cannot be written; the message names it
     */
    public MetricsCsv(Path file) throws IOException {
        this(file, (String) null);
    }

    /**
     * For a new run whose rows carry {@code runId}: creates {@code file} (and its directory) with the
     * header line, replacing an existing file.
     *
     * @param file  the run's {@code metrics.csv}
     * @param runId written in the {@code run_id} cell of each row; null for none
     * @throws IOException if it cannot be written; the message names it
     * @throws IllegalArgumentException if {@code runId} holds other than letters, digits, '.', '_', '-'
     */
    public MetricsCsv(Path file, String runId) throws IOException {
        this(file, null, runId);
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
        return new MetricsCsv(file, earlier, null);
    }

    /**
     * As {@link #resuming(Path, Path)}, with {@code runId} in the new rows' {@code run_id} cell.
     *
     * @param file    the run's {@code metrics.csv}, existing or not
     * @param earlier where else to find the earlier rows, or null
     * @param runId   the resumed run's own id (not the checkpoint's), or null
     * @return a listener that writes {@code file}
     * @throws IllegalArgumentException if {@code runId} holds other than letters, digits, '.', '_', '-'
     */
    public static MetricsCsv resuming(Path file, Path earlier, String runId) {
        return new MetricsCsv(file, earlier, runId);
    }

    /** The row of one epoch, without a line end, with {@code runId} (empty for none) in the last cell. */
    private static String row(EpochMetrics m, String runId) {
        return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f,%s", m.epoch(), m.trainLoss(),
                m.trainAccuracy(), m.testLoss(), m.testAccuracy(), m.imagesPerSecond(), m.elapsedSeconds(), runId);
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

    /**
     * Parses the rows of {@code text}, the lines of {@code file}; adds each row's line to
     * {@code keptLines}, with an empty {@code run_id} cell appended when the file predates that column.
     */
    private static List<EpochMetrics> parse(Path file, List<String> text, List<String> keptLines) throws IOException {
        String fix = "; move it away, or write the resumed run to another directory with -o";
        boolean withRunId = !text.isEmpty() && text.get(0).equals(HEADER);
        if (!withRunId && (text.isEmpty() || !text.get(0).equals(HEADER_WITHOUT_RUN_ID))) {
            throw new IOException(file + ": not a metrics.csv of Lamina: the first line is not the header "
                    + HEADER + fix);
        }
        int columns = withRunId ? 8 : 7;
        List<EpochMetrics> parsed = new ArrayList<>();
        for (int i = 1; i < text.size(); i++) {
            String line = text.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            try {
                if (cells.length != columns) {
                    throw new NumberFormatException(cells.length + " cells, not " + columns);
                }
                parsed.add(new EpochMetrics(Integer.parseInt(cells[0]), Double.parseDouble(cells[1]),
                        Double.parseDouble(cells[3]), Double.parseDouble(cells[4]), Double.parseDouble(cells[5]),
                        Double.parseDouble(cells[6]), Double.parseDouble(cells[2])));
                keptLines.add(withRunId ? line : line + ",");
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
    public static Optional<String> historyProblem(Path source, int epoch) throws IOException {
        return historyProblem(source, epoch, null);
    }

    /**
     * As {@link #historyProblem(Path, int)}, and, when {@code checkpointRunId} is given, the row of
     * {@code epoch} must carry it: that row and the checkpoint were written by the same process, and
     * the rows before it are the history that process kept. A run that resumed earlier in the same
     * file, or another run's file, has another id there.
     *
     * @param source          a {@code metrics.csv}
     * @param epoch           the epochs the checkpoint had finished
     * @param checkpointRunId the run id the checkpoint records, or null when it records none
     * @return the problem, one sentence, or empty
     * @throws IOException if {@code source} cannot be read or is not a metrics file; the message names it
     */
    public static Optional<String> historyProblem(Path source, int epoch, String checkpointRunId)
            throws IOException {
        List<String> lines = new ArrayList<>();
        List<EpochMetrics> rows = parse(source, Files.readAllLines(source, StandardCharsets.UTF_8), lines);
        List<Integer> kept = new ArrayList<>();
        String lastRunId = null;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).epoch() <= epoch) {
                kept.add(rows.get(i).epoch());
            }
            if (rows.get(i).epoch() == epoch) {
                lastRunId = lines.get(i).substring(lines.get(i).lastIndexOf(',') + 1);
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int e = 1; e <= epoch; e++) {
            expected.add(e);
        }
        if (kept.equals(expected)) {
            if (checkpointRunId != null && epoch > 0 && !checkpointRunId.equals(lastRunId)) {
                return Optional.of(source + " holds rows of epochs 1 to " + epoch + ", but its row of epoch "
                        + epoch + " was written by run " + (lastRunId.isEmpty() ? "(none recorded)" : lastRunId)
                        + ", not by run " + checkpointRunId + " that wrote the checkpoint (run_id column)");
            }
            return Optional.empty();
        }
        List<Integer> missing = new ArrayList<>(expected);
        missing.removeAll(kept);
        return Optional.of(source + " should hold the rows of epochs 1 to " + epoch + " of that run, but holds "
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
        String row = row(metrics, runId);
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
