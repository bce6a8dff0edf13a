package dev.lamina.examples.study;

import dev.lamina.examples.study.StudyResults.OrderingSummary;
import dev.lamina.runtime.io.AtomicFiles;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * The study's two PNG charts, drawn with XChart: {@value #TEST_LOSS} (mean test loss per ordering
 * with ± sd error bars, beside the seed thread's single run) and {@value #VARIANCE_SHIFT} (the mean
 * variance ratio of each BatchNorm layer per ordering, ± sd over seeds, with the line ratio = 1).
 * Orderings the lint flags for dropout before batch norm are marked with an asterisk.
 */
public final class StudyCharts {
    public static final String TEST_LOSS = "test-loss.png";
    public static final String VARIANCE_SHIFT = "variance-shift.png";

    private static final int WIDTH = 1100;
    private static final int HEIGHT = 700;
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x7f7f7f),
    };

    private StudyCharts() {}

    /** Writes both charts into {@code outDir}, each replaced atomically ({@link AtomicFiles}); returns their paths. */
    static List<Path> write(StudyResults results, Path outDir) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<Path> written = new ArrayList<>();
        written.add(save(testLoss(results), outDir.resolve(TEST_LOSS)));
        written.add(save(varianceShift(results), outDir.resolve(VARIANCE_SHIFT)));
        return written;
    }

    private static List<String> categories(List<OrderingSummary> summaries) {
        return summaries.stream()
                .map(s -> s.ordering().label() + (s.dropoutBeforeBatchNorm() ? " *" : ""))
                .toList();
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    static CategoryChart testLoss(StudyResults results) {
        StudyConfig c = results.config();
        List<OrderingSummary> summaries = results.summaries();
        CategoryChart chart = base("Test loss per ordering (* = lint DropoutBeforeBatchNorm)", "test loss");
        List<String> x = categories(summaries);
        chart.addSeries(String.format(Locale.ROOT, "Lamina: mean ± sd over %d seed(s), %d epoch(s) on %,d images",
                        c.seeds(), c.epochs(), c.trainSize()), x,
                summaries.stream().map(s -> s.testLoss().mean()).toList(),
                summaries.stream().map(s -> orZero(s.testLoss().sd())).toList());
        chart.addSeries("seed thread: Keras, 1 run, 20 epochs on 60,000 images", x,
                summaries.stream().map(s -> s.ordering().seedTestLoss()).toList());
        return chart;
    }

    static CategoryChart varianceShift(StudyResults results) {
        List<OrderingSummary> summaries = results.summaries();
        CategoryChart chart = base("BatchNorm variance shift: inference input variance / running variance"
                + " (mean over channels; * = lint DropoutBeforeBatchNorm)", "variance ratio");
        List<String> x = categories(summaries);
        for (String layer : results.batchNormLayers()) {
            chart.addSeries(layer + ": mean ± sd over seeds", x,
                    summaries.stream().map(s -> s.shift(layer).map(v -> v.mean().mean()).orElse(0.0)).toList(),
                    summaries.stream().map(s -> s.shift(layer).map(v -> orZero(v.mean().sd())).orElse(0.0)).toList());
        }
        CategorySeries one = chart.addSeries("ratio = 1 (no shift)", x, summaries.stream().map(s -> 1.0).toList());
        one.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    private static CategoryChart base(String title, String yAxis) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("ordering of each conv module").yAxisTitle(yAxis).build();
        chart.getStyler()
                .setXAxisLabelRotation(35)
                .setErrorBarsColorSeriesColor(false)
                .setErrorBarsColor(Color.BLACK)
                .setLegendPosition(Styler.LegendPosition.OutsideS)
                .setSeriesColors(COLORS)
                .setChartBackgroundColor(Color.WHITE)
                .setLocale(Locale.ROOT);
        chart.getStyler().setYAxisDecimalPattern("0.000");
        return chart;
    }

    private static Path save(CategoryChart chart, Path file) throws IOException {
        // A grid of one chart: xchart 4 deprecates the one-chart saveBitmap.
        AtomicFiles.write(file,
                out -> BitmapEncoder.saveBitmap(List.of(chart), 1, 1, out, BitmapEncoder.BitmapFormat.PNG));
        return file;
    }
}
