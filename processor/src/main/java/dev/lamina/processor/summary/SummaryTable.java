package dev.lamina.processor.summary;

import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.HorizontalAlign;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The model summary table, rendered at compile time from the IR for the NOTE that
 * {@code -Alamina.summary=true} prints. It is the text that {@code model.summary(batchSize)} of the
 * generated class returns at run time ({@code dev.lamina.runtime.model.ModelSummary}) for a model
 * made by {@code create(seed)}, whose values are FLOAT. The processor cannot load the runtime (it
 * needs ND4J), so the rows and totals are built twice, laid out by the same table library (bundled
 * and relocated in the processor jar); {@code SummaryNoteTest} keeps the two texts identical.
 */
public final class SummaryTable {
    /** {@code create(seed)} builds FLOAT models. */
    static final String DATA_TYPE = "FLOAT";
    static final int BYTES_PER_VALUE = 4;

    /** The table's columns: name, kind and shape left-aligned, the numbers right-aligned. */
    private static final Column[] COLUMNS = {
        column("Layer", HorizontalAlign.LEFT),
        column("Kind", HorizontalAlign.LEFT),
        column("Output shape", HorizontalAlign.LEFT),
        column("Trainable", HorizontalAlign.RIGHT),
        column("Non-trainable", HorizontalAlign.RIGHT),
        column("Activations", HorizontalAlign.RIGHT),
    };

    private static Column column(String header, HorizontalAlign align) {
        return new Column().header(header).headerAlign(align).dataAlign(align);
    }

    private SummaryTable() {}

    /**
     * Renders the table of a model that no rewrite changed.
     *
     * @param batchSize >= 1
     */
    public static String render(ModelIR model, int batchSize) {
        return render(model, model, batchSize);
    }

    /**
     * Renders the table: per layer of {@code model} (as declared) its name, kind, output shape with
     * batch axis {@code N}, trainable and non-trainable parameters and output memory for
     * {@code batchSize} examples; then totals, and how many trainable parameters {@code executed}
     * (the rewritten model the generated code runs) holds when rewrites removed some. Lines end in
     * {@code \n}.
     *
     * @param batchSize >= 1
     */
    public static String render(ModelIR model, ModelIR executed, int batchSize) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"input", "", withBatchAxis(model.input()), "", "", ""});
        long trainable = 0;
        long nonTrainable = 0;
        long activations = 0;
        for (LayerNode layer : model.layers()) {
            long outputValues = layer.output().size() * batchSize;
            trainable += layer.parameterCount();
            nonTrainable += layer.bufferCount();
            activations += outputValues;
            cells.add(new String[] {layer.name(), layer.spec().kind(), withBatchAxis(layer.output()),
                    count(layer.parameterCount()), count(layer.bufferCount()), bytes(outputValues * BYTES_PER_VALUE)});
        }
        String grid = grid(cells);
        StringBuilder sb = new StringBuilder(grid);
        // A rule as wide as the table between the layers and the totals.
        sb.append("-".repeat(grid.lines().mapToInt(String::length).max().orElse(0))).append('\n');
        String[][] totals = {
            {"Trainable parameters:", count(trainable), bytes(trainable * BYTES_PER_VALUE)},
            {"Non-trainable parameters:", count(nonTrainable), bytes(nonTrainable * BYTES_PER_VALUE)},
            {"Total parameters:", count(trainable + nonTrainable), bytes((trainable + nonTrainable) * BYTES_PER_VALUE)},
            {"Activations at batch size " + batchSize + ":", count(activations), bytes(activations * BYTES_PER_VALUE)},
        };
        int labelWidth = 0;
        int countWidth = 0;
        for (String[] total : totals) {
            labelWidth = Math.max(labelWidth, total[0].length());
            countWidth = Math.max(countWidth, total[1].length());
        }
        for (String[] total : totals) {
            sb.append(total[0]).append(" ".repeat(labelWidth - total[0].length() + 1))
                    .append(" ".repeat(countWidth - total[1].length())).append(total[1])
                    .append("  (").append(total[2]).append(")\n");
        }
        long held = executed.parameterCount();
        if (held != trainable) {
            sb.append(String.format(Locale.ROOT, "The generated code holds %s trainable parameters: rewrites elided"
                    + " %s that have no effect.\n", count(held), count(trainable - held)));
        }
        sb.append("Values are ").append(DATA_TYPE).append(", ").append(BYTES_PER_VALUE)
                .append(" bytes each; activations are the outputs of all layers in one forward pass.\n");
        return sb.toString();
    }

    /**
     * The layer rows under a header, columns separated by {@code |} and the header underlined (the
     * ascii-table library lays them out, as in the runtime's {@code ModelSummary}); text columns
     * left-aligned, numbers right-aligned; lines end in {@code \n}, without trailing blanks.
     */
    private static String grid(List<String[]> rows) {
        String table = AsciiTable.builder()
                .border(AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS_NO_OUTSIDE_BORDER)
                .lineSeparator("\n")
                .data(COLUMNS, rows.toArray(new Object[0][]))
                .asString();
        StringBuilder sb = new StringBuilder();
        table.lines().forEach(line -> sb.append(line.stripTrailing()).append('\n'));
        return sb.toString();
    }

    /** {@code [N, 32, 26, 26]}. */
    private static String withBatchAxis(Shape shape) {
        StringBuilder sb = new StringBuilder("[N");
        for (int d : shape.dims()) {
            sb.append(", ").append(d);
        }
        return sb.append(']').toString();
    }

    /** {@code 18,496}. */
    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 768 B}, {@code 84.5 KiB}, {@code 3.2 MiB}: binary units, one decimal. */
    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
