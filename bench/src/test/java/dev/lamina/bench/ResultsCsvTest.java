package dev.lamina.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsCsvTest {
    private static final List<ResultsCsv.Row> ROWS = List.of(
            new ResultsCsv.Row("lamina", "train", 32, new Stats(1000.25, 1200.5, 1300), 512.4),
            new ResultsCsv.Row("pytorch", "infer", 128, new Stats(7000, 8000.04, 9000.96), -1));

    @Test
    void writesHeaderAndOneRowPerMeasurement(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("target/results.csv");

        ResultsCsv.write(file, ROWS);

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(List.of(
                "framework,mode,batch,min,median,max,peak_rss_mb",
                "lamina,train,32,1000.3,1200.5,1300.0,512.4",
                "pytorch,infer,128,7000.0,8000.0,9001.0,"), lines);
        assertTrue(Files.readString(file).endsWith("\n"));
        assertEquals(7, lines.get(2).split(",", -1).length, "an unknown peak leaves its field empty");
    }

    @Test
    void replacesTheFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("results.csv");
        Files.writeString(file, "old content\n");

        ResultsCsv.write(file, ROWS.subList(0, 1));

        assertEquals(2, Files.readAllLines(file).size());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFileThatCannotBeWrittenIsAnIOExceptionThatChangesNothing(@TempDir Path dir) throws IOException {
        // The target's directory would have to replace a regular file: the write must fail.
        Path notADirectory = dir.resolve("blocker");
        Files.writeString(notADirectory, "x");

        assertThrows(IOException.class, () -> ResultsCsv.write(notADirectory.resolve("results.csv"), ROWS));
        assertEquals("x", Files.readString(notADirectory));
    }
}
