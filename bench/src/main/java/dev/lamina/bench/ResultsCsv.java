package dev.lamina.bench;

import dev.lamina.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's machine-readable results, {@code bench/target/results.csv}: a header
 * {@code framework,mode,batch,min,median,max,peak_rss_mb}, then one row per framework, mode
 * ({@code train} or {@code infer}) and batch size, in the order measured. {@code min}, {@code median}
 * and {@code max} are images per second over the timed windows; {@code peak_rss_mb} is the process's peak
 * resident memory ({@code VmHWM}, MiB) after that framework's runs, cumulative within one JVM (run one
 * framework per JVM with {@code --only} to compare frameworks), empty where unknown. Plain RFC 4180: no
 * field needs quoting, since framework and mode names are fixed words. Replaced atomically.
 */
final class ResultsCsv {
    static final String HEADER = "framework,mode,batch,min,median,max,peak_rss_mb";

    private ResultsCsv() {}

    /**
     * One row.
     *
     * @param framework    {@code lamina}, {@code dl4j} or {@code pytorch}
     * @param mode         {@code train} or {@code infer}
     * @param batch        examples per step
     * @param imagesPerSecond min, median and max over the windows
     * @param peakRssMb    peak resident memory in MiB, or a negative number if unknown
     */
    record Row(String framework, String mode, int batch, Stats imagesPerSecond, double peakRssMb) {}

    /** The file's text: the header and the rows, lines ending in {@code \n}. */
    static String format(List<Row> rows) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.1f,%.1f,%.1f,%s\n", r.framework(), r.mode(), r.batch(),
                    r.imagesPerSecond().min(), r.imagesPerSecond().median(), r.imagesPerSecond().max(),
                    r.peakRssMb() < 0 ? "" : String.format(Locale.ROOT, "%.1f", r.peakRssMb())));
        }
        return csv.toString();
    }

    /**
     * Replaces {@code file} with the rows, atomically (creating its directory if needed).
     *
     * @throws IOException naming the file if it cannot be written; the previous file is then unchanged
     */
    static void write(Path file, List<Row> rows) throws IOException {
        String text = format(rows);
        AtomicFiles.write(file, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            writer.write(text);
            writer.flush();
        });
    }
}
