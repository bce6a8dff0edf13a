package dev.lamina.examples.report;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.TrainingListener;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files and console output of a training run: curves.png, metrics.csv and the progress bar. */
class ReportTest {
    private static final TrainingPosition ANY = TrainingPosition.start(0, 32, 100);

    private static List<EpochMetrics> history(int epochs) {
        List<EpochMetrics> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            history.add(new EpochMetrics(e, 1.0 / e, 1.2 / e, 1 - 0.3 / e, 1500 + e, 30 + e, 1 - 0.35 / e));
        }
        return history;
    }

    @Test
    void curvesArePngsOfTheDocumentedSizeThatShowBothSeries(@TempDir Path dir) throws Exception {
        TrainingCurves.write(history(5), dir.resolve("five/curves.png"));
        BufferedImage five = PngChecks.assertChart(dir.resolve("five/curves.png"), 1280, 440);
        // The default 1-epoch run draws single points; they must still show.
        TrainingCurves.write(history(1), dir.resolve("one/curves.png"));
        PngChecks.assertChart(dir.resolve("one/curves.png"), 1280, 440);
        // Two panels: both halves hold the series colours.
        assertThat(countColour(five, 0, 640, 0x1F77B4)).isGreaterThan(50L);
        assertThat(countColour(five, 640, 1280, 0x1F77B4)).isGreaterThan(50L);
        assertThrows(IllegalArgumentException.class, () -> TrainingCurves.write(List.of(), dir.resolve("x.png")));
    }

    @Test
    void curvesAreReplacedWholeAndLeaveNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("curves.png");
        TrainingCurves.write(history(1), file);
        byte[] first = Files.readAllBytes(file);

        TrainingCurves.write(history(5), file);

        PngChecks.assertChart(file, 1280, 440);
        assertThat(Files.readAllBytes(file)).isNotEqualTo(first);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("curves.png");
        }
    }

    private static long countColour(BufferedImage image, int fromX, int toX, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void metricsCsvGetsAHeaderAndARowPerEpochAsTheyEnd(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/metrics.csv");
        MetricsCsv csv = new MetricsCsv(file);
        assertThat(Files.readAllLines(file)).containsExactly(MetricsCsv.HEADER);
        for (EpochMetrics m : history(2)) {
            csv.onEpochEnd(m, ANY);
        }
        assertThat(Files.readAllLines(file)).containsExactly(MetricsCsv.HEADER,
                "1,1.000000,0.650000,1.200000,0.700000,1501.0,31.000,",
                "2,0.500000,0.825000,0.600000,0.850000,1502.0,32.000,").inOrder();
    }

    @Test
    void eachRowCarriesTheRunIdAndAResumeAppendsItsOwn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.csv");
        MetricsCsv csv = new MetricsCsv(file, "run-a");
        csv.onEpochEnd(history(1).get(0), afterEpoch(1));
        MetricsCsv resumed = MetricsCsv.resuming(file, null, "run-b");
        resumed.onResumed(dir.resolve("checkpoint-epoch-1.lamina"), afterEpoch(1), 4);
        resumed.onEpochEnd(history(2).get(1), afterEpoch(2));

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).endsWith(",epoch_seconds,run_id");
        assertThat(lines.get(1)).isEqualTo("1,1.000000,0.650000,1.200000,0.700000,1501.0,31.000,run-a");
        assertThat(lines.get(2)).isEqualTo("2,0.500000,0.825000,0.600000,0.850000,1502.0,32.000,run-b");
        // The checkpoint of epoch 2 was written by run-b: its history is whole; run-a's epoch 2 would not be.
        assertThat(MetricsCsv.historyProblem(file, 2, "run-b")).isEmpty();
        assertThat(MetricsCsv.historyProblem(file, 1, "run-a")).isEmpty();
        assertThat(MetricsCsv.historyProblem(file, 2, "run-a")).hasValue(file + " holds rows of epochs 1 to 2, but"
                + " its row of epoch 2 was written by run run-b, not by run run-a that wrote the checkpoint (run_id"
                + " column)");
        assertThat(MetricsCsv.historyProblem(file, 2, null)).isEmpty();
        assertThrows(IllegalArgumentException.class, () -> new MetricsCsv(dir.resolve("x.csv"), "a,b"));
    }

    @Test
    void aFileWrittenBeforeTheRunIdColumnIsReadAndResumedWithEmptyIds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.csv");
        String old = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,images_per_second,epoch_seconds\n"
                + "1,1.0,0.65,1.2,0.7,1501.0,31.000\n2,0.5,0.825,0.6,0.85,1502.0,32.000\n";
        Files.writeString(file, old);
        assertThat(MetricsCsv.read(file).stream().map(EpochMetrics::epoch).toList()).containsExactly(1, 2).inOrder();
        // A checkpoint without a run id (format version 1) accepts it; one with an id cannot be its.
        assertThat(MetricsCsv.historyProblem(file, 2, null)).isEmpty();
        assertThat(MetricsCsv.historyProblem(file, 2, "run-a").orElseThrow()).contains("(none recorded)");

        MetricsCsv csv = MetricsCsv.resuming(file, null, "run-c");
        csv.onResumed(dir.resolve("checkpoint-epoch-2.lamina"), afterEpoch(2), 4);
        csv.onEpochEnd(history(3).get(2), afterEpoch(3));

        assertThat(Files.readAllLines(file)).containsExactly(MetricsCsv.HEADER, "1,1.0,0.65,1.2,0.7,1501.0,31.000,",
                "2,0.5,0.825,0.6,0.85,1502.0,32.000,", "3,0.333333,0.883333,0.400000,0.900000,1503.0,33.000,run-c")
                .inOrder();
    }

    /** A run's metrics.csv after {@code epochs} epochs, with a hand-edited first row (kept byte for byte). */
    private static Path runOf(Path dir, int epochs) throws Exception {
        Path file = dir.resolve("metrics.csv");
        MetricsCsv csv = new MetricsCsv(file);
        for (EpochMetrics m : history(epochs)) {
            csv.onEpochEnd(m, ANY);
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, "1,1.0,0.65,1.2,0.7,1501.0,31.000,");
        Files.write(file, lines);
        return file;
    }

    private static TrainingPosition afterEpoch(int epoch) {
        return new TrainingPosition(10L * epoch, epoch, 0, 0, 32, 100, 0, 0);
    }

    @Test
    void aResumedRunKeepsTheRowsOfTheCheckpointsEpochsAndAppends(@TempDir Path dir) throws Exception {
        Path file = runOf(dir, 2);
        List<String> before = Files.readAllLines(file);
        MetricsCsv csv = MetricsCsv.resuming(file, null);
        csv.onResumed(dir.resolve("checkpoint-epoch-2.lamina"), afterEpoch(2), 4);
        assertThat(Files.readAllLines(file)).isEqualTo(before);  // nothing written before the first new epoch

        csv.onEpochEnd(history(3).get(2), afterEpoch(3));

        List<String> after = Files.readAllLines(file);
        assertThat(after.subList(0, 3)).isEqualTo(before);
        assertThat(after).hasSize(4);
        assertThat(after.get(3)).startsWith("3,0.333333,");
        assertThat(csv.rows().stream().map(EpochMetrics::epoch).toList()).containsExactly(1, 2, 3).inOrder();
        assertThat(csv.rows().get(0).trainAccuracy()).isEqualTo(0.65);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("metrics.csv");
        }
    }

    @Test
    void rowsAfterTheCheckpointAreSavedBesideTheFileBeforeTheResumedRunReplacesThem(@TempDir Path dir)
            throws Exception {
        Path file = runOf(dir, 3);
        String before = Files.readString(file);
        MetricsCsv csv = MetricsCsv.resuming(file, null);
        csv.onResumed(dir.resolve("checkpoint-epoch-1.lamina"), afterEpoch(1), 4);
        csv.onEpochEnd(history(2).get(1), afterEpoch(2));

        assertThat(Files.readString(dir.resolve("metrics-before-resume-at-epoch-1.csv"))).isEqualTo(before);
        List<String> after = Files.readAllLines(file);
        assertThat(after).hasSize(3);
        assertThat(after.get(1)).isEqualTo("1,1.0,0.65,1.2,0.7,1501.0,31.000,");
        assertThat(after.get(2)).startsWith("2,");
    }

    @Test
    void aResumeIntoAnotherDirectoryStartsWithTheEarlierRunsRows(@TempDir Path dir) throws Exception {
        Path earlier = runOf(dir.resolve("first"), 2);
        Path file = dir.resolve("second/metrics.csv");
        MetricsCsv csv = MetricsCsv.resuming(file, earlier);
        csv.onResumed(dir.resolve("first/checkpoint-epoch-2.lamina"), afterEpoch(2), 4);
        csv.onEpochEnd(history(3).get(2), afterEpoch(3));

        List<String> lines = Files.readAllLines(file);
        assertThat(lines.subList(0, 3)).isEqualTo(Files.readAllLines(earlier));
        assertThat(lines.get(3)).startsWith("3,");
    }

    @Test
    void anExistingFileThatIsNotMetricsIsAnErrorNamingItAndStaysUntouched(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.csv");
        Files.writeString(file, "my own notes\n");
        MetricsCsv csv = MetricsCsv.resuming(file, null);

        var e = assertThrows(java.io.UncheckedIOException.class, () -> csv.onResumed(file, afterEpoch(1), 4));

        assertThat(e).hasMessageThat().isEqualTo(file + ": not a metrics.csv of Lamina: the first line is not the"
                + " header " + MetricsCsv.HEADER + "; move it away, or write the resumed run to another directory"
                + " with -o");
        assertThat(Files.readString(file)).isEqualTo("my own notes\n");
    }

    @Test
    void aRowThatCannotBeWrittenLeavesNoTemporaryFileAndNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("metrics.csv");
        MetricsCsv csv = new MetricsCsv(file);
        Files.delete(file);
        Files.createDirectories(file.resolve("in-the-way"));  // a non-empty directory: the rename fails

        var e = assertThrows(java.io.UncheckedIOException.class, () -> csv.onEpochEnd(history(1).get(0), ANY));

        assertThat(e).hasMessageThat().startsWith("could not write " + file + ": ");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("metrics.csv");
        }
        assertThat(csv.rows()).isEmpty();
    }

    @Test
    void progressBarShowsEpochImagesSpeedAndRunningMetrics() {
        List<String> rendered = new CopyOnWriteArrayList<>();  // appended to by the bar's thread too
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBarReport report = new ProgressBarReport(out, () -> new DelegatingProgressBarConsumer(rendered::add, 160));

        report.onEpochStart(new TrainingListener.EpochStart(1, 3, 0, 4, 100, 32));
        for (int b = 1; b <= 4; b++) {
            report.onBatchEnd(new TrainingListener.BatchProgress(1, 3, b, 4, Math.min(100, 32L * b), 0.5, 0.875, b,
                    Math.min(100, 32L * b), 0.1 * b));
            report.refreshNow();
            if (b == 2) {
                // The bar also renders from its own refresh thread, which may append a rendering
                // of the previous step after ours: look for the one that shows this step.
                String mid = rendered.stream().filter(r -> r.contains(" 64/100 img")).reduce((x, y) -> y)
                        .orElseThrow(() -> new AssertionError("no rendering shows 64/100 img: " + rendered));
                assertThat(mid).contains("epoch 1/3");
                assertThat(mid).contains(" 64/100 img");
                assertThat(mid).containsMatch("img/s loss 0\\.5000, acc 87\\.5%$");
            }
        }
        report.onEpochEnd(history(1).get(0), ANY);

        // The last rendering before the bar is cleared.
        String last = rendered.stream().filter(r -> r.contains("100%")).reduce((a, b) -> b).orElseThrow();
        assertThat(last).contains("epoch 1/3");
        assertThat(last).contains("100%");
        assertThat(last).contains("100/100 img");
        assertThat(last).contains("img/s");
        assertThat(last).contains("evaluating on the test set");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith(
                "epoch 1/3  train loss 1.0000  train accuracy 65.00%  test loss 1.2000  test accuracy 70.00%  1501 img/s");
    }
}
