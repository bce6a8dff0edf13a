package dev.lamina.examples.report;

import static com.google.common.truth.Truth.assertThat;

import dev.lamina.runtime.train.EpochMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code curves.png} of runs whose losses exploded or went non-finite: drawing never hangs (XChart
 * looped forever over a linear axis up to 1e16) and still writes a valid chart. A separate thread for
 * the timeout, since a busy loop ignores interrupts.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class TrainingCurvesExtremeValuesTest {
    private static List<EpochMetrics> losses(double[] train, double[] test) {
        List<EpochMetrics> history = new ArrayList<>();
        for (int e = 0; e < train.length; e++) {
            history.add(new EpochMetrics(e + 1, train[e], test[e], 0.1 + 0.1 * e, 1000, 10 * (e + 1), 0.12 + 0.1 * e));
        }
        return history;
    }

    private static void assertDrawn(List<EpochMetrics> history, Path file) throws Exception {
        long start = System.nanoTime();
        TrainingCurves.write(history, file);
        PngChecks.assertChart(file, 1280, 440);
        // Drawing a chart takes well under a second; the class timeout would hide a slow loop.
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(20.0);
    }

    @Test
    void explodedLossesOfTheIssueAreDrawn(@TempDir Path dir) throws Exception {
        assertDrawn(losses(new double[] {2.3, 1e16, 1e18}, new double[] {2.2, 3e16, 2e18}), dir.resolve("a.png"));
    }

    @Test
    void lossesOf1e30AreDrawn(@TempDir Path dir) throws Exception {
        assertDrawn(losses(new double[] {2.3, 1e10, 1e30}, new double[] {2.1, 1e12, 1e30}), dir.resolve("a.png"));
        assertDrawn(losses(new double[] {1e30}, new double[] {1e30}), dir.resolve("one.png"));
        assertDrawn(losses(new double[] {1e300, 1e307}, new double[] {1.7e308, 0}), dir.resolve("edge.png"));
    }

    @Test
    void nonFiniteLossesAreSkipped(@TempDir Path dir) throws Exception {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        assertDrawn(losses(new double[] {2.3, nan, 1.5, 1.2}, new double[] {2.2, inf, nan, 1.1}), dir.resolve("a.png"));
        assertDrawn(losses(new double[] {2.3, 1e20, nan}, new double[] {2.2, 1e25, inf}), dir.resolve("b.png"));
        // No finite training loss, test losses on a log axis.
        assertDrawn(losses(new double[] {nan, inf}, new double[] {2.0, 1e20}), dir.resolve("c.png"));
    }

    @Test
    void aChartWithNoFiniteLossAtAllIsStillWritten(@TempDir Path dir) throws Exception {
        double nan = Double.NaN;
        // The accuracy panel carries both series; the loss panel says there is nothing to draw.
        assertDrawn(losses(new double[] {nan, nan}, new double[] {Double.NEGATIVE_INFINITY, nan}), dir.resolve("a.png"));
        List<EpochMetrics> nanAccuracy = List.of(new EpochMetrics(1, nan, nan, nan, 1000, 10, nan),
                new EpochMetrics(2, 2.0, 2.1, 0.5, 1000, 20, 0.4));
        assertDrawn(nanAccuracy, dir.resolve("b.png"));
    }
}
