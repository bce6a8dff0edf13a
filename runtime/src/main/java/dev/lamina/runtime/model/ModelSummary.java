package dev.lamina.runtime.model;

import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.HorizontalAlign;
import dev.lamina.dsl.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Keras-style summary of a model: per layer its name, kind, output shape with the batch axis
 * {@code N}, trainable parameters, non-trainable parameters (buffers such as BatchNorm's running mean
 * and variance) and the memory its output takes at a given batch size; then totals and memory.
 *
 * <p>Memory counts {@code values × bytes per value} of the model's {@link Model#dataType()}:
 * parameters are trainable plus non-trainable values; activations are the outputs of every layer
 * for one forward pass of {@code batchSize} examples (not the input batch, gradients or optimizer
 * state). Sizes use binary units (1 KiB = 1024 bytes).
 *
 * <p>The table describes the model as declared. When the processor's rewrites removed parameters
 * that have no effect (a bias directly before BatchNorm), a line after the totals says how many the
 * generated code holds.
 *
 * <p>{@link #table()} is also what the annotation processor prints as a NOTE with
 * {@code -Alamina.summary=true} ({@code dev.lamina.processor.summary.SummaryTable} renders the same
 * text from its IR; a test keeps the two identical).
 */
public final class ModelSummary {
    /**
     * One layer of the summary.
     *
     * @param name         the layer's name
     * @param kind         the layer's kind ({@code Conv2d}, ...)
     * @param outputShape  output shape of one example, without the batch axis
     * @param trainable    trainable scalars (weights, biases, BatchNorm's gamma and beta)
     * @param nonTrainable scalars of the layer's buffers (BatchNorm's running mean and variance)
     */
    public record Row(String name, String kind, int[] outputShape, long trainable, long nonTrainable) {
        /**
         * Copies {@code outputShape}.
         *
         * @param name         the layer's name
         * @param kind         the layer's kind
         * @param outputShape  output shape of one example, without the batch axis
         * @param trainable    trainable scalars
         * @param nonTrainable buffer scalars
         */
        public Row {
            outputShape = outputShape.clone();
        }

        /** {@return a copy of the output shape of one example, without the batch axis} */
        @Override
        public int[] outputShape() {
            return outputShape.clone();
        }

        /** {@return the scalars in one example's output} */
        public long outputValues() {
            long n = 1;
            for (int d : outputShape) {
                n *= d;
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && name.equals(r.name) && kind.equals(r.kind)
                    && Arrays.equals(outputShape, r.outputShape) && trainable == r.trainable
                    && nonTrainable == r.nonTrainable;
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(outputShape);
        }

        @Override
        public String toString() {
            return name + " (" + kind + ") " + Arrays.toString(outputShape) + ", " + trainable + " trainable, "
                    + nonTrainable + " non-trainable";
        }
    }

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

    private final int[] inputShape;
    private final List<Row> rows;
    private final long heldParameters;
    private final int batchSize;
    private final String dataType;
    private final int bytesPerValue;

    private ModelSummary(int[] inputShape, List<Row> rows, long heldParameters, int batchSize, String dataType,
            int bytesPerValue) {
        this.inputShape = inputShape.clone();
        this.rows = List.copyOf(rows);
        this.heldParameters = heldParameters;
        this.batchSize = batchSize;
        this.dataType = dataType;
        this.bytesPerValue = bytesPerValue;
    }

    /**
     * Summarises {@code model}. A buffer belongs to the layer named by its name up to the last dot:
     * buffer names are {@code <layer>.<role>}, as in {@code bn1.running_mean} or, inside a block,
     * {@code down2.bn1.running_mean} (which belongs to {@code down2.bn1}, not to the block's
     * addition {@code down2}).
     *
     * @param model     the model to describe
     * @param batchSize examples per forward pass for the activation memory, >= 1
     * @return the summary
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public static ModelSummary of(Model model, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, found " + batchSize);
        }
        Map<String, INDArray> buffers = model.buffers();
        List<Row> rows = new ArrayList<>();
        for (Layer layer : model.layers()) {
            long nonTrainable = 0;
            for (Map.Entry<String, INDArray> buffer : buffers.entrySet()) {
                String key = buffer.getKey();
                if (key.lastIndexOf('.') == layer.name().length() && key.startsWith(layer.name())) {
                    nonTrainable += buffer.getValue().length();
                }
            }
            rows.add(new Row(layer.name(), layer.kind(), layer.outputShape(), layer.parameterCount(), nonTrainable));
        }
        long held = 0;
        for (Parameter p : model.parameters()) {
            held += p.value().length();
        }
        return new ModelSummary(model.inputShape(), rows, held, batchSize, model.dataType().name(),
                model.dataType().width());
    }

    /** {@return the layers, in order} */
    public List<Row> rows() {
        return rows;
    }

    /** {@return the examples per forward pass that {@link #activationValues()} assumes} */
    public int batchSize() {
        return batchSize;
    }

    /** {@return the trainable scalars of all layers} */
    public long trainableParameters() {
        return rows.stream().mapToLong(Row::trainable).sum();
    }

    /**
     * {@return the trainable scalars the model holds in {@link Model#parameters()}} Fewer than
     * {@link #trainableParameters()} when the processor's rewrites elided parameters that have no
     * effect (a bias before BatchNorm); the table then says so.
     */
    public long heldParameters() {
        return heldParameters;
    }

    /** {@return the buffer scalars of all layers (BatchNorm running statistics)} */
    public long nonTrainableParameters() {
        return rows.stream().mapToLong(Row::nonTrainable).sum();
    }

    /** {@return the trainable plus non-trainable scalars} */
    public long totalParameters() {
        return trainableParameters() + nonTrainableParameters();
    }

    /** {@return the bytes of all parameters and buffers} */
    public long parameterBytes() {
        return totalParameters() * bytesPerValue;
    }

    /** {@return the scalars in the outputs of all layers for one forward pass of {@link #batchSize()} examples} */
    public long activationValues() {
        return rows.stream().mapToLong(Row::outputValues).sum() * batchSize;
    }

    /** {@return the bytes of {@link #activationValues()}} */
    public long activationBytes() {
        return activationValues() * bytesPerValue;
    }

    /**
     * The summary as a table, lines ending in {@code \n}. For the seed network at batch size 1:
     *
     * <pre>
     *  Layer   | Kind      | Output shape    | Trainable | Non-trainable | Activations
     * ---------+-----------+-----------------+-----------+---------------+-------------
     *  input   |           | [N, 1, 28, 28]  |           |               |
     *  conv1   | Conv2d    | [N, 32, 26, 26] |       320 |             0 |    84.5 KiB
     *  bn1     | BatchNorm | [N, 32, 26, 26] |        64 |            64 |    84.5 KiB
     *  ...
     * </pre>
     *
     * @return the table
     */
    public String table() {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"input", "", withBatchAxis(inputShape), "", "", ""});
        for (Row row : rows) {
            cells.add(new String[] {row.name(), row.kind(), withBatchAxis(row.outputShape()), count(row.trainable()),
                    count(row.nonTrainable()), bytes(row.outputValues() * batchSize * bytesPerValue)});
        }
        String grid = grid(cells);
        StringBuilder sb = new StringBuilder(grid);
        // A rule as wide as the table between the layers and the totals.
        sb.append("-".repeat(grid.lines().mapToInt(String::length).max().orElse(0))).append('\n');
        String[][] totals = {
            {"Trainable parameters:", count(trainableParameters()), bytes(trainableParameters() * bytesPerValue)},
            {"Non-trainable parameters:", count(nonTrainableParameters()),
                    bytes(nonTrainableParameters() * bytesPerValue)},
            {"Total parameters:", count(totalParameters()), bytes(parameterBytes())},
            {"Activations at batch size " + batchSize + ":", count(activationValues()), bytes(activationBytes())},
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
        if (heldParameters != trainableParameters()) {
            sb.append(String.format(Locale.ROOT, "The generated code holds %s trainable parameters: rewrites elided"
                    + " %s that have no effect.\n", count(heldParameters), count(trainableParameters() - heldParameters)));
        }
        sb.append("Values are ").append(dataType).append(", ").append(bytesPerValue)
                .append(" bytes each; activations are the outputs of all layers in one forward pass.\n");
        return sb.toString();
    }

    @Override
    public String toString() {
        return table();
    }

    /**
     * The layer rows under a header, columns separated by {@code |} and the header underlined (the
     * ascii-table library lays them out); text columns left-aligned, numbers right-aligned; lines end
     * in {@code \n}, without trailing blanks.
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
    private static String withBatchAxis(int[] shape) {
        StringBuilder sb = new StringBuilder("[N");
        for (int d : shape) {
            sb.append(", ").append(d);
        }
        return sb.append(']').toString();
    }

    /** {@code 18,496}. */
    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 768 B}, {@code 84.5 KiB}, {@code 3.2 MiB}, {@code 1.0 GiB}. */
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
