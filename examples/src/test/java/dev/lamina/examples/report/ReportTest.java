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
                "1,1.000000,0.650000,1.200000,0.700000,1501.0,31.000",
                "2,0.500000,0.825000,0.600000,0.850000,1502.0,32.000").inOrder();
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
