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
        for (XYChart chart : List.of(loss, accuracy)) {
            Charts.integerXAxis(chart);
            if (history.size() == 1) {
                // One point: give the axis room on both sides, or XChart squeezes it to a line.
                chart.getStyler().setXAxisMin(0.5);
                chart.getStyler().setXAxisMax(1.5);
            }
        }
        Charts.writePng(file, List.of(loss, accuracy));
    }
}
