package dev.lamina.examples.report;

import dev.lamina.runtime.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Shared helpers for the examples' PNG charts (XChart, drawn with Java2D without a display): a line
 * chart in one house style, and a writer that puts several charts side by side in one PNG. Any chart
 * of the examples (training curves, the layer-order study) should be built and written here, so they
 * look alike.
 */
public final class Charts {
    /** Size of one panel, pixels. */
    public static final int PANEL_WIDTH = 640;
    public static final int PANEL_HEIGHT = 440;

    static {
        // No display is needed to draw into an image; an explicit -Djava.awt.headless=false wins.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {}

    /**
     * An empty XY chart: white background, light grid, legend inside the top right corner, markers on
     * every point, sans-serif fonts. Add series with {@code chart.addSeries(name, x, y)} (or with error
     * bars, {@code addSeries(name, x, y, errors)}).
     */
    public static XYChart lineChart(String title, String xAxisTitle, String yAxisTitle) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle(xAxisTitle).yAxisTitle(yAxisTitle).build();
        var styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.LIGHT_GRAY);
        styler.setPlotGridLinesColor(new Color(0xE6E6E6));
        styler.setLegendPosition(Styler.LegendPosition.InsideNE);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setMarkerSize(7);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setSeriesColors(new Color[] {new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C),
            new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B)});
        return chart;
    }

    /**
     * Labels only whole-number ticks of the x axis (epochs, run numbers) and hides the others, so a
     * short run shows no {@code 1.5}.
     */
    public static void integerXAxis(XYChart chart) {
        chart.getStyler().setXAxisTickLabelsFormattingFunction(
                x -> Math.abs(x - Math.rint(x)) < 1e-9 ? Long.toString(Math.round(x)) : "");
    }

    /**
     * Writes {@code charts} side by side, in one row, as one PNG of {@code PANEL_WIDTH * charts.size()}
     * by {@code PANEL_HEIGHT} pixels, creating the parent directory. The file is replaced atomically
     * ({@link AtomicFiles}): a viewer that reloads it during training never sees half a PNG.
     *
     * @throws IOException if the file cannot be written; it then keeps its previous content
     */
    public static void writePng(Path file, List<XYChart> charts) throws IOException {
        AtomicFiles.write(file,
                out -> BitmapEncoder.saveBitmap(charts, 1, charts.size(), out, BitmapEncoder.BitmapFormat.PNG));
    }
}
