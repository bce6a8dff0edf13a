package dev.lamina.examples.report;

import dev.lamina.runtime.train.EpochMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code curves.png}: training curves per epoch, two panels side by side. Left: mean loss on the
 * training set (measured during the epoch, in training mode) and on the test set (after the epoch).
 * Right: accuracy in percent, likewise. 1280 by 440 pixels.
 */
public final class TrainingCurves {
    private TrainingCurves() {}

    /**
     * Draws {@code history} into {@code file}.
     *
     * @param history at least one epoch, in order
     * @throws IllegalArgumentException if {@code history} is empty
     * @throws IOException              if the file cannot be written
     */
    public static void write(List<EpochMetrics> history, Path file) throws IOException {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("no epochs to draw");
        }
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        XYChart loss = Charts.lineChart("Loss", "epoch", "mean loss");
        loss.addSeries("train", epochs, history.stream().mapToDouble(EpochMetrics::trainLoss).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        loss.addSeries("test", epochs, history.stream().mapToDouble(EpochMetrics::testLoss).toArray())
                .setMarker(SeriesMarkers.DIAMOND);
        XYChart accuracy = Charts.lineChart("Accuracy", "epoch", "accuracy (%)");
        accuracy.addSeries("train", epochs, history.stream().mapToDouble(m -> 100 * m.trainAccuracy()).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        accuracy.addSeries("test", epochs, history.stream().mapToDouble(m -> 100 * m.testAccuracy()).toArray())
                .setMarker(SeriesMarkers.DIAMOND);
        accuracy.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        // Loss from 0, so that its scale is honest; accuracy over the range it spans, in whole percent.
        double maxLoss = history.stream().mapToDouble(m -> Math.max(m.trainLoss(), m.testLoss()))
                .filter(Double::isFinite).max().orElse(1);
        loss.getStyler().setYAxisMin(0.0);
        loss.getStyler().setYAxisMax(maxLoss > 0 ? 1.1 * maxLoss : 1.0);
        loss.getStyler().setYAxisDecimalPattern("0.00");
        double minAccuracy = history.stream().mapToDouble(m -> 100 * Math.min(m.trainAccuracy(), m.testAccuracy()))
                .filter(Double::isFinite).min().orElse(0);
        double maxAccuracy = history.stream().mapToDouble(m -> 100 * Math.max(m.trainAccuracy(), m.testAccuracy()))
                .filter(Double::isFinite).max().orElse(100);
        accuracy.getStyler().setYAxisMin(Math.max(0, Math.floor(minAccuracy) - 1));
        accuracy.getStyler().setYAxisMax(Math.min(100, Math.ceil(maxAccuracy) + 1));
        accuracy.getStyler().setYAxisDecimalPattern("0.#");
        for (XYChart chart : List.of(loss, accuracy)) {
            Charts.integerXAxis(chart);
            if (history.size() == 1) {
                // One point: give the axis room on both sides, or XChart squeezes it to a line.
                chart.getStyler().setXAxisMin(0.0);
                chart.getStyler().setXAxisMax(2.0);
            }
        }
        Charts.writePng(file, List.of(loss, accuracy));
    }
}
