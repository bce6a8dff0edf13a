package dev.lamina.runtime.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a {@link Dataset} from a CSV file (RFC 4180, parsed by Apache Commons CSV: quoted fields,
 * {@code \n} or {@code \r\n} line ends, empty lines skipped, spaces around values trimmed), one example
 * per row:
 * <pre>{@code
 * Dataset houses = CsvDataset.from(Path.of("houses.csv"))
 *         .targets("price")          // by header name; the other columns are the features
 *         .regression();             // features [N, D] and targets [N, 1], FLOAT
 * Dataset iris = CsvDataset.from(Path.of("iris.csv"))
 *         .targets("species")
 *         .classification();         // one-hot labels, classes named by the sorted values
 * }</pre>
 * By default the first row is a header of column names, as in pandas' {@code read_csv}; with
 * {@link #noHeader()} every row is data and columns are chosen by their 0-based index. Feature and
 * target values must be finite decimal numbers ({@link Double#parseDouble}: {@code 3.5}, {@code -1e-3});
 * anything else is a {@link DataFileException} naming the file, line, column and value. Class values
 * may be any text.
 *
 * <p>A builder: each setter returns this object, and {@link #regression()} or {@link #classification()}
 * reads the file. Not thread-safe.
 */
public final class CsvDataset {
    private final Path file;
    private boolean header = true;
    private char delimiter = ',';
    private List<Object> featureColumns;
    private List<Object> targetColumns;
    private List<String> classNames;

    private CsvDataset(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * A reader of {@code file}, which is read only by {@link #regression()} or {@link #classification()}.
     *
     * @param file a CSV file in UTF-8
     * @return a builder with the defaults: a header row, comma-separated, features all non-target columns
     */
    public static CsvDataset from(Path file) {
        return new CsvDataset(file);
    }

    /**
     * Reads the first row as data, not as column names; columns are then chosen by index.
     *
     * @return this builder
     */
    public CsvDataset noHeader() {
        this.header = false;
        return this;
    }

    /**
     * Sets the character between fields; default {@code ','} ({@code ';'} and {@code '\t'} are common too).
     *
     * @param delimiter the separator
     * @return this builder
     */
    public CsvDataset delimiter(char delimiter) {
        this.delimiter = delimiter;
        return this;
    }

    /**
     * Chooses the feature columns by header name, in the order given; default: every column that is not a
     * target, in file order.
     *
     * @param names column names from the header row
     * @return this builder
     */
    public CsvDataset features(String... names) {
        this.featureColumns = List.of((Object[]) names);
        return this;
    }

    /**
     * Chooses the feature columns by 0-based index, in the order given.
     *
     * @param indices column indices, 0 for the first column
     * @return this builder
     */
    public CsvDataset features(int... indices) {
        this.featureColumns = IntStream.of(indices).boxed().map(Object.class::cast).toList();
        return this;
    }

    /**
     * Chooses the target columns by header name: the values to predict (for {@link #classification()}
     * exactly one column, the class).
     *
     * @param names column names from the header row
     * @return this builder
     */
    public CsvDataset targets(String... names) {
        this.targetColumns = List.of((Object[]) names);
        return this;
    }

    /**
     * Chooses the target columns by 0-based index.
     *
     * @param indices column indices, 0 for the first column
     * @return this builder
     */
    public CsvDataset targets(int... indices) {
        this.targetColumns = IntStream.of(indices).boxed().map(Object.class::cast).toList();
        return this;
    }

    /**
     * Fixes the classes of {@link #classification()} and their order, so that class {@code c} is the
     * value {@code names.get(c)}; a file with another value is an error. Use it to read a training and a
     * test file with the same class numbers. Default: the sorted distinct values of the file.
     *
     * @param names the class values, distinct
     * @return this builder
     */
    public CsvDataset classNames(List<String> names) {
        this.classNames = List.copyOf(names);
        return this;
    }

    /**
     * Reads the file as a regression dataset ({@link Dataset#regression}): features {@code [N, D]} and
     * targets {@code [N, K]} for the {@code K} target columns, both FLOAT.
     *
     * @return the dataset, in file order
     * @throws DataFileException if the file is missing, has no data rows, a row has a different number of
     *     fields than the first, a named column is not in the header, or a value is not a finite number
     *     (naming the line, column and value)
     * @throws IOException if the file cannot be read (a {@link DataFileException} naming it)
     * @throws IllegalStateException if no target column was chosen
     */
    public Dataset regression() throws IOException {
        Table table = read();
        int[] targets = table.columns(targetColumns());
        int[] features = table.featureColumns(targets);
        return Dataset.regression(Nd4j.createFromArray(table.numbers(features)),
                Nd4j.createFromArray(table.numbers(targets)));
    }

    /**
     * Reads the file as a classification dataset: features {@code [N, D]} FLOAT and one-hot labels of the
     * class column. The classes are the distinct values of that column, sorted (numerically if every
     * value is an integer, else as text), like scikit-learn's {@code LabelEncoder}, unless
     * {@link #classNames} fixes them; {@link Dataset#classNames()} holds them.
     *
     * @return the dataset, in file order
     * @throws DataFileException as {@link #regression()}, and if a class is not one of
     *     {@link #classNames(List)}
     * @throws IOException if the file cannot be read (a {@link DataFileException} naming it)
     * @throws IllegalStateException if not exactly one target column was chosen
     */
    public Dataset classification() throws IOException {
        if (targetColumns().size() != 1) {
            throw new IllegalStateException("classification needs exactly one target column (the class), found "
                    + targetColumns);
        }
        Table table = read();
        int[] target = table.columns(targetColumns);
        int[] features = table.featureColumns(target);
        float[][] x = table.numbers(features);
        List<String> names = classNames != null ? classNames : sortedValues(table, target[0]);
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < names.size(); c++) {
            if (index.put(names.get(c), c) != null) {
                throw new IllegalArgumentException("class names must be distinct, found \"" + names.get(c)
                        + "\" twice in " + names);
            }
        }
        int[] classes = new int[table.rows.size()];
        for (int i = 0; i < classes.length; i++) {
            String value = table.rows.get(i)[target[0]];
            Integer c = index.get(value);
            if (c == null) {
                throw new DataFileException(file, table.where(i, target[0]) + ": class \"" + value
                        + "\" is not one of " + names, "correct the value or add it to classNames(...)");
            }
            classes[i] = c;
        }
        return Dataset.of(Nd4j.createFromArray(x), classes, names.size()).withClassNames(names);
    }

    private List<Object> targetColumns() {
        if (targetColumns == null || targetColumns.isEmpty()) {
            throw new IllegalStateException("choose the target column(s) of " + file + " with targets(...)");
        }
        return targetColumns;
    }

    private static List<String> sortedValues(Table table, int column) {
        TreeSet<String> values = new TreeSet<>();
        for (String[] row : table.rows) {
            values.add(row[column]);
        }
        boolean integers = values.stream().allMatch(v -> v.matches("-?\\d{1,18}"));
        Comparator<String> order = integers ? Comparator.comparingLong(Long::parseLong) : Comparator.naturalOrder();
        return values.stream().sorted(order).toList();
    }

    /** A common separator other than the configured one that {@code field} contains, or null. */
    private Character otherDelimiter(String field) {
        for (char candidate : new char[] {';', '\t', '|', ','}) {
            if (candidate != delimiter && field.indexOf(candidate) >= 0) {
                return candidate;
            }
        }
        return null;
    }

    private static String describe(char separator) {
        return separator == '\t' ? "tabs" : "'" + separator + "'";
    }

    private static String javaLiteral(char separator) {
        return separator == '\t' ? "'\\t'" : "'" + separator + "'";
    }

    private Table read() throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setTrim(true)
                .setIgnoreEmptyLines(true).get();
        List<String> names = null;
        List<String[]> rows = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = format.parse(reader)) {
            int width = -1;
            String[] first = null;
            for (CSVRecord record : parser) {
                String[] fields = record.values();
                long line = parser.getCurrentLineNumber();
                if (width < 0) {
                    width = fields.length;
                    first = fields;
                } else if (fields.length != width) {
                    Character other = width == 1 ? otherDelimiter(first[0]) : null;
                    throw new DataFileException(file, "line " + line + " has " + fields.length + " fields but "
                            + (header ? "the header" : "the first row") + " has " + width,
                            other != null
                                    ? "its first line seems separated by " + describe(other) + ", not "
                                            + describe(delimiter) + ": read it with .delimiter(" + javaLiteral(other) + ")"
                                    : "give every row the same number of fields (quote values that contain '"
                                            + delimiter + "')");
                }
                if (header && names == null) {
                    names = Arrays.asList(fields);
                    continue;
                }
                rows.add(fields);
                lines.add(line);
            }
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file", "check the path (relative paths are resolved from "
                    + Path.of("").toAbsolutePath() + ")", e);
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFileException(file, "cannot be read (" + e + ")", "check that it is a readable file", e);
        } catch (UncheckedIOException e) {
            // Commons CSV's iterator reports malformed input (an unclosed quote) and read errors this way.
            if (e.getCause() instanceof CSVException) {
                throw new DataFileException(file, "not valid CSV: " + e.getCause().getMessage(),
                        "close every quoted field with a '\"'", e);
            }
            throw new DataFileException(file, "cannot be read (" + e.getCause() + ")",
                    "check that it is a readable file", e);
        }
        if (rows.isEmpty()) {
            throw new DataFileException(file, "no data rows" + (header ? " after the header" : ""),
                    "add rows of values, one example per line");
        }
        return new Table(names, rows, lines);
    }

    /** The file's cells, with the header's names (null without a header) and each row's line number. */
    private final class Table {
        final List<String> names;
        final List<String[]> rows;
        final List<Long> lines;

        Table(List<String> names, List<String[]> rows, List<Long> lines) {
            this.names = names;
            this.rows = rows;
            this.lines = lines;
        }

        int width() {
            return rows.get(0).length;
        }

        /** Column indices of names or indices. */
        int[] columns(List<Object> chosen) throws DataFileException {
            int[] columns = new int[chosen.size()];
            for (int i = 0; i < columns.length; i++) {
                columns[i] = column(chosen.get(i));
            }
            return columns;
        }

        private int column(Object chosen) throws DataFileException {
            if (chosen instanceof Integer index) {
                if (index < 0 || index >= width()) {
                    throw new DataFileException(file, "column index " + index + " is outside the " + width()
                            + " columns (indices 0 to " + (width() - 1) + ")", "choose an index that exists");
                }
                return index;
            }
            String name = (String) chosen;
            if (names == null) {
                throw new DataFileException(file, "column \"" + name + "\" chosen by name, but the file is read"
                        + " without a header", "choose columns by index, or drop noHeader()");
            }
            int first = names.indexOf(name);
            if (first < 0) {
                throw new DataFileException(file, "no column named \"" + name + "\"; the header has " + names,
                        "use one of the header's names (case matters)");
            }
            if (names.lastIndexOf(name) != first) {
                throw new DataFileException(file, "the header names two columns \"" + name + "\" (indices "
                        + first + " and " + names.lastIndexOf(name) + ")", "rename one, or choose columns by index");
            }
            return first;
        }

        /** The chosen feature columns, or every column that is not a target. */
        int[] featureColumns(int[] targets) throws DataFileException {
            int[] features = featureColumns != null ? columns(featureColumns)
                    : IntStream.range(0, width()).filter(c -> IntStream.of(targets).noneMatch(t -> t == c)).toArray();
            if (features.length == 0) {
                throw new DataFileException(file, "no feature columns: every column is a target",
                        "leave at least one column as a feature");
            }
            for (int f : features) {
                if (IntStream.of(targets).anyMatch(t -> t == f)) {
                    throw new DataFileException(file, "column " + describe(f) + " is both a feature and a target",
                            "choose it as one of the two");
                }
            }
            return features;
        }

        /** The values of {@code columns}, row by row. */
        float[][] numbers(int[] columns) throws DataFileException {
            float[][] values = new float[rows.size()][columns.length];
            for (int i = 0; i < values.length; i++) {
                String[] row = rows.get(i);
                for (int j = 0; j < columns.length; j++) {
                    values[i][j] = number(row[columns[j]], i, columns[j]);
                }
            }
            return values;
        }

        private float number(String text, int row, int column) throws DataFileException {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                value = Double.NaN;
            }
            if (!Double.isFinite(value) || Math.abs(value) > Float.MAX_VALUE) {
                throw new DataFileException(file, where(row, column) + ": \"" + text + "\" is not a finite number",
                        text.isEmpty() ? "fill in the missing value or drop the row"
                                : "write a decimal number such as 3.5 or -1e-3, or leave the column out of the features");
            }
            return (float) value;
        }

        /** {@code line 7, column "price" (index 2)}. */
        String where(int row, int column) {
            return "line " + lines.get(row) + ", column " + describe(column);
        }

        private String describe(int column) {
            return names == null ? "index " + column : "\"" + names.get(column) + "\" (index " + column + ")";
        }
    }
}
