package dev.lamina.examples.report;

import dev.lamina.runtime.train.EpochMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code curves.png}: training curves per epoch, two panels side by side. Left: mean loss on the
 * training set (measured during the epoch, in training mode) and on the test set (after the epoch).
 * Right: accuracy in percent, likewise. 1280 by 440 pixels.
 *
 * <p>Runs that diverge never make drawing hang or fail: a NaN or infinite value is left out of its
 * series (the panel's title says so); losses above 1e6 are drawn on a logarithmic axis (XChart loops
 * forever laying out a linear axis up to about 1e16), on which a loss of 0 sits at the bottom of the
 * axis and losses above 1e300 are clipped to 1e300.
 */
public final class TrainingCurves {
    /** The largest loss drawn on a linear axis from 0; above it the loss axis is logarithmic. */
    static final double LINEAR_LOSS_LIMIT = 1e6;
    /** Losses above this are drawn at it, so the log axis's top decade stays finite. */
    static final double LARGEST_DRAWN = 1e300;

    private TrainingCurves() {}

    /**
     * Draws {@code history} into {@code file}.
     *
     * @param history at least one epoch, in order; losses and accuracies may be NaN or infinite
     * @throws IllegalArgumentException if {@code history} is empty
     * @throws IOException              if the file cannot be written
     */
    public static void write(List<EpochMetrics> history, Path file) throws IOException {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("no epochs to draw");
        }
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        double[] trainLoss = history.stream().mapToDouble(EpochMetrics::trainLoss).toArray();
        double[] testLoss = history.stream().mapToDouble(EpochMetrics::testLoss).toArray();
        double maxLoss = Math.max(maxFinite(trainLoss), maxFinite(testLoss));
        boolean logLoss = maxLoss > LINEAR_LOSS_LIMIT;
        boolean lossSkipped = !allFinite(trainLoss) || !allFinite(testLoss);
        XYChart loss = Charts.lineChart("Loss" + (logLoss ? " (log scale)" : "")
                + (lossSkipped ? ", non-finite epochs not drawn" : ""), "epoch", "mean loss");
        double[] train = finiteOnly(trainLoss);
        double[] test = finiteOnly(testLoss);
        if (logLoss) {
            double bottom = Math.pow(10, Math.floor(Math.log10(Math.min(minPositive(train), minPositive(test)))));
            double top = Math.max(10 * bottom, Math.pow(10, Math.ceil(Math.log10(Math.min(maxLoss, LARGEST_DRAWN)))));
            clip(train, bottom, LARGEST_DRAWN);
            clip(test, bottom, LARGEST_DRAWN);
            loss.getStyler().setYAxisLogarithmic(true);
            loss.getStyler().setYAxisMin(bottom);
            loss.getStyler().setYAxisMax(top);
            loss.getStyler().setYAxisDecimalPattern("0.#E0");
            addSeries(loss, "train", epochs, train, SeriesMarkers.CIRCLE, bottom / 10);
            addSeries(loss, "test", epochs, test, SeriesMarkers.DIAMOND, bottom / 10);
        } else {
            // Loss from 0, so that its scale is honest.
            double top = maxLoss > 0 ? 1.1 * maxLoss : 1.0;
            loss.getStyler().setYAxisMin(0.0);
            loss.getStyler().setYAxisMax(top);
            loss.getStyler().setYAxisDecimalPattern("0.00");
            addSeries(loss, "train", epochs, train, SeriesMarkers.CIRCLE, -top);
            addSeries(loss, "test", epochs, test, SeriesMarkers.DIAMOND, -top);
        }
        double[] trainAccuracy = history.stream().mapToDouble(m -> 100 * m.trainAccuracy()).toArray();
        double[] testAccuracy = history.stream().mapToDouble(m -> 100 * m.testAccuracy()).toArray();
        boolean accuracySkipped = !allFinite(trainAccuracy) || !allFinite(testAccuracy);
        XYChart accuracy = Charts.lineChart("Accuracy" + (accuracySkipped ? ", non-finite epochs not drawn" : ""),
                "epoch", "accuracy (%)");
        accuracy.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        // Accuracy over the range it spans, in whole percent.
        double minAccuracy = Math.min(minFinite(trainAccuracy), minFinite(testAccuracy));
        double maxAccuracy = Math.max(maxFinite(trainAccuracy), maxFinite(testAccuracy));
        accuracy.getStyler().setYAxisMin(Double.isFinite(minAccuracy) ? Math.max(0, Math.floor(minAccuracy) - 1) : 0);
        accuracy.getStyler().setYAxisMax(Double.isFinite(maxAccuracy) ? Math.min(100, Math.ceil(maxAccuracy) + 1) : 100);
        accuracy.getStyler().setYAxisDecimalPattern("0.#");
        addSeries(accuracy, "train", epochs, finiteOnly(trainAccuracy), SeriesMarkers.CIRCLE, -100);
        addSeries(accuracy, "test", epochs, finiteOnly(testAccuracy), SeriesMarkers.DIAMOND, -100);
        for (XYChart chart : List.of(loss, accuracy)) {
            Charts.integerXAxis(chart);
            // Every epoch on the axis, also those whose points were left out.
            boolean onePoint = history.size() == 1;
            // One point: give the axis room on both sides, or XChart squeezes it to a line.
            chart.getStyler().setXAxisMin(onePoint ? epochs[0] - 1 : epochs[0]);
            chart.getStyler().setXAxisMax(onePoint ? epochs[0] + 1 : epochs[epochs.length - 1]);
        }
        Charts.writePng(file, List.of(loss, accuracy));
    }

    /**
     * Adds the finite points of {@code values} (NaN marks a point left out) as a series; a series with
     * no finite point is added as one point at {@code hidden}, below the y axis, so that the legend and
     * the colours stay in place.
     */
    private static void addSeries(XYChart chart, String name, double[] epochs, double[] values, Marker marker,
            double hidden) {
        int count = 0;
        for (double v : values) {
            count += Double.isNaN(v) ? 0 : 1;
        }
        double[] x = new double[count];
        double[] y = new double[count];
        int i = 0;
        for (int e = 0; e < values.length; e++) {
            if (!Double.isNaN(values[e])) {
                x[i] = epochs[e];
                y[i++] = values[e];
            }
        }
        if (count == 0) {
            x = new double[] {epochs[0]};
            y = new double[] {hidden};
        }
        chart.addSeries(name, x, y).setMarker(marker);
    }

    /** {@code values} with every non-finite entry replaced by NaN (a point not drawn), as a copy. */
    private static double[] finiteOnly(double[] values) {
        double[] copy = values.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Double.isFinite(copy[i]) ? copy[i] : Double.NaN;
        }
        return copy;
    }

    private static void clip(double[] values, double low, double high) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                values[i] = Math.min(high, Math.max(low, values[i]));
            }
        }
    }

    private static boolean allFinite(double[] values) {
        return java.util.Arrays.stream(values).allMatch(Double::isFinite);
    }

    /** The largest finite value, or 0 if there is none. */
    private static double maxFinite(double[] values) {
        return java.util.Arrays.stream(values).filter(Double::isFinite).max().orElse(0);
    }

    /** The smallest finite value, or NaN if there is none. */
    private static double minFinite(double[] values) {
        return java.util.Arrays.stream(values).filter(Double::isFinite).min().orElse(Double.NaN);
    }

    /** The smallest positive finite value, or 1 if there is none (the bottom decade of a log axis). */
    private static double minPositive(double[] values) {
        return java.util.Arrays.stream(values).filter(v -> Double.isFinite(v) && v > 0).min().orElse(1);
    }
}
