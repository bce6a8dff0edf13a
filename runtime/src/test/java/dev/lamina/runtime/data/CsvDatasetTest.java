package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** CSV files written by each test: columns by name or index, classes, and errors that name the place. */
class CsvDatasetTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void regressionTargetsByNameAndTheOtherColumnsAsFeatures() throws IOException {
        Path file = write("houses.csv", "area,price,rooms\n50,100.5,2\n\n\"80\", 160 ,3\r\n120,240,4\n");

        Dataset data = CsvDataset.from(file).targets("price").regression();

        assertThat(data.isRegression()).isTrue();
        assertThat(data.features()).isEqualTo(Nd4j.createFromArray(new float[][] {{50, 2}, {80, 3}, {120, 4}}));
        assertThat(data.labels()).isEqualTo(Nd4j.createFromArray(new float[][] {{100.5f}, {160}, {240}}));
    }

    @Test
    void columnsByIndexWithoutAHeaderInTheOrderGiven() throws IOException {
        Path file = write("plain.tsv", "1\t2\t3\t4\n5\t6\t7\t8\n");

        Dataset data = CsvDataset.from(file).noHeader().delimiter('\t').features(2, 0).targets(3, 1).regression();

        assertThat(data.features()).isEqualTo(Nd4j.createFromArray(new float[][] {{3, 1}, {7, 5}}));
        assertThat(data.labels()).isEqualTo(Nd4j.createFromArray(new float[][] {{4, 2}, {8, 6}}));
    }

    @Test
    void classesAreTheSortedValuesOfTheClassColumn() throws IOException {
        Path file = write("iris.csv", "length,species\n1.4,setosa\n4.7,versicolor\n1.3,setosa\n6.0,virginica\n");
        Path numbered = write("numbered.csv", "x,label\n0.5,10\n0.1,9\n0.2,2\n");

        Dataset iris = CsvDataset.from(file).targets("species").classification();
        Dataset numbers = CsvDataset.from(numbered).targets("label").classification();
        Dataset fixed = CsvDataset.from(file).targets(1).classNames(List.of("virginica", "versicolor", "setosa"))
                .classification();

        assertThat(iris.classNames()).containsExactly("setosa", "versicolor", "virginica").inOrder();
        assertThat(iris.classes()).isEqualTo(new int[] {0, 1, 0, 2});
        assertThat(iris.features().shape()).isEqualTo(new long[] {4, 1});
        // Integers sort as numbers (2 < 9 < 10), not as text.
        assertThat(numbers.classNames()).containsExactly("2", "9", "10").inOrder();
        assertThat(numbers.classes()).isEqualTo(new int[] {2, 1, 0});
        assertThat(fixed.classes()).isEqualTo(new int[] {2, 1, 2, 0});
        DataFileException unknown = assertThrows(DataFileException.class, () -> CsvDataset.from(file)
                .targets("species").classNames(List.of("setosa", "virginica")).classification());
        assertThat(unknown).hasMessageThat().contains("line 3, column \"species\" (index 1): class \"versicolor\"");
    }

    @Test
    void aValueThatIsNotANumberIsReportedByFileLineAndColumn() throws IOException {
        Path file = write("bad.csv", "a,b,y\n1,2,3\n\n4,five,6\n");
        Path empty = write("empty.csv", "a,b,y\n1,,3\n");
        Path nan = write("nan.csv", "a,y\nNaN,1\n");

        DataFileException text = assertThrows(DataFileException.class,
                () -> CsvDataset.from(file).targets("y").regression());
        DataFileException missing = assertThrows(DataFileException.class,
                () -> CsvDataset.from(empty).targets("y").regression());
        DataFileException notFinite = assertThrows(DataFileException.class,
                () -> CsvDataset.from(nan).targets("y").regression());

        assertThat(text.file()).isEqualTo(file);
        assertThat(text).hasMessageThat().startsWith(file + ": line 4, column \"b\" (index 1): \"five\" is not a"
                + " finite number");
        assertThat(missing).hasMessageThat().contains("line 2, column \"b\" (index 1): \"\" is not a finite number");
        assertThat(missing).hasMessageThat().contains("fill in the missing value");
        assertThat(notFinite).hasMessageThat().contains("\"NaN\" is not a finite number");
    }

    @Test
    void aOneFieldHeaderHoldingAnotherSeparatorSuggestsTheDelimiter() throws IOException {
        Path semicolons = write("semicolons.csv", "size;price\n1,5;2\n");
        Path tabs = write("tabs.tsv", "size\tprice\n1,5\t2\n");
        Path pipes = write("pipes.csv", "size|price\n1,5|2\n");

        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(semicolons).targets(1).regression()))
                .hasMessageThat().contains("line 2 has 2 fields but the header has 1");
        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(semicolons).targets(1).regression()))
                .hasMessageThat().contains("separated by ';', not ',': read it with .delimiter(';')");
        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(tabs).targets(1).regression()))
                .hasMessageThat().contains("separated by tabs, not ',': read it with .delimiter('\\t')");
        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(pipes).targets(1).regression()))
                .hasMessageThat().contains(".delimiter('|')");
        // With the delimiter it suggests, such a file reads.
        Path dots = write("dots.csv", "size;price\n1.5;2\n");
        assertThat(CsvDataset.from(dots).delimiter(';').targets("price").regression()).isNotNull();
    }

    @Test
    void fileAndColumnMistakesNameTheFile() throws IOException {
        Path ragged = write("ragged.csv", "a,b\n1,2\n3\n");
        Path headerOnly = write("header.csv", "a,b\n");
        Path ok = write("ok.csv", "a,b\n1,2\n");
        Path absent = dir.resolve("absent.csv");

        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(ragged).targets("b").regression()))
                .hasMessageThat().contains("ragged.csv: line 3 has 1 fields but the header has 2");
        assertThat(assertThrows(DataFileException.class,
                () -> CsvDataset.from(headerOnly).targets("b").regression()))
                .hasMessageThat().contains("no data rows after the header");
        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(ok).targets("price").regression()))
                .hasMessageThat().contains("no column named \"price\"; the header has [a, b]");
        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(ok).targets(2).regression()))
                .hasMessageThat().contains("column index 2 is outside the 2 columns");
        assertThat(assertThrows(DataFileException.class,
                () -> CsvDataset.from(ok).features("a", "b").targets("b").regression()))
                .hasMessageThat().contains("\"b\" (index 1) is both a feature and a target");
        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(absent).targets(0).regression()))
                .hasMessageThat().contains(absent + ": no such file");
        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(dir).targets(0).regression()))
                .hasMessageThat().startsWith(dir + ": cannot be read");
        Path unclosed = write("quote.csv", "a,b\n1,\"2\n");
        assertThat(assertThrows(DataFileException.class, () -> CsvDataset.from(unclosed).targets(1).regression()))
                .hasMessageThat().startsWith(unclosed + ": not valid CSV");
        assertThat(assertThrows(IllegalStateException.class, () -> CsvDataset.from(ok).regression()))
                .hasMessageThat().contains("targets(...)");
        assertThat(assertThrows(IllegalStateException.class, () -> CsvDataset.from(ok).targets(0, 1).classification()))
                .hasMessageThat().contains("exactly one target column");
    }
}
