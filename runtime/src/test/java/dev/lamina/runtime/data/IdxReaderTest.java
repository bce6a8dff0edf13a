package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.data.IdxFiles.gzip;
import static dev.lamina.runtime.data.IdxFiles.idx;
import static dev.lamina.runtime.data.IdxFiles.images;
import static dev.lamina.runtime.data.IdxFiles.labels;
import static dev.lamina.runtime.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsRawImages() throws Exception {
        byte[] bytes = images(5, 4, 3);
        Path file = write(dir.resolve("images"), bytes);

        IdxReader.IdxArray images = IdxReader.readImages(file);

        assertThat(images.dims()).asList().containsExactly(5, 4, 3).inOrder();
        assertThat(images.count()).isEqualTo(5);
        assertThat(images.data()).isEqualTo(Arrays.copyOfRange(bytes, 16, bytes.length));
    }

    @Test
    void readsGzippedFilesByTheirMagicBytesWhateverTheName() throws Exception {
        byte[] bytes = labels(12);
        Path file = write(dir.resolve("labels-without-gz-suffix"), gzip(bytes));

        IdxReader.IdxArray labels = IdxReader.readLabels(file);

        assertThat(labels.dims()).asList().containsExactly(12);
        assertThat(labels.data()).isEqualTo(Arrays.copyOfRange(bytes, 8, bytes.length));
    }

    @Test
    void wrongMagicNamesFileExpectedFoundAndFix() {
        Path file = write(dir.resolve("train-labels-idx1-ubyte"), labels(3));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));

        assertThat(e.file()).isEqualTo(file);
        assertThat(e).hasMessageThat().contains(file.toString());
        assertThat(e).hasMessageThat().contains("expected 0x00000803");
        assertThat(e).hasMessageThat().contains("found 0x00000801");
        assertThat(e).hasMessageThat().contains("Fix:");
    }

    @Test
    void textFileIsNotAnIdxFile() {
        Path file = write(dir.resolve("index.html"), "<html>404 Not Found</html>".getBytes());

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(file));

        assertThat(e).hasMessageThat().contains("not an IDX file");
    }

    @Test
    void truncatedRawFileReportsExpectedAndFoundLength() {
        byte[] bytes = images(5, 4, 3); // 16 + 60 bytes
        Path file = write(dir.resolve("images"), Arrays.copyOf(bytes, bytes.length - 7));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));

        assertThat(e).hasMessageThat().contains("truncated");
        assertThat(e).hasMessageThat().contains("expected 76 bytes, found 69 bytes");
        assertThat(e).hasMessageThat().contains("[5, 4, 3]");
    }

    @Test
    void truncatedHeader() {
        Path file = write(dir.resolve("images"), Arrays.copyOf(images(5, 4, 3), 10));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));

        assertThat(e).hasMessageThat().contains("truncated IDX header: expected a header of 16 bytes, found 10 bytes");
    }

    @Test
    void truncatedDataInsideAValidGzipStream() {
        byte[] bytes = images(5, 4, 3);
        Path file = write(dir.resolve("images.gz"), gzip(Arrays.copyOf(bytes, bytes.length - 1)));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));

        assertThat(e).hasMessageThat().contains("truncated");
        assertThat(e).hasMessageThat().contains("expected 60 bytes, found 59 bytes");
    }

    @Test
    void truncatedGzipStream() {
        byte[] compressed = gzip(images(50, 4, 3));
        Path file = write(dir.resolve("images.gz"), Arrays.copyOf(compressed, compressed.length / 2));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));

        assertThat(e).hasMessageThat().contains("corrupt or truncated gzip data");
        assertThat(e).hasMessageThat().contains(file.toString());
    }

    @Test
    void headerCountSmallerThanTheDataIsAnError() {
        // Header says 4 labels, file holds 6: the counts disagree with the file length.
        Path file = write(dir.resolve("labels"), idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[6]));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(file));

        assertThat(e).hasMessageThat().contains("longer than its header says");
        assertThat(e).hasMessageThat().contains("expected 12 bytes, found 14 bytes");
    }

    @Test
    void headerCountSmallerThanTheGzippedDataIsAnError() {
        Path file = write(dir.resolve("labels.gz"), gzip(idx(IdxReader.LABELS_MAGIC, new int[] {4}, new byte[6])));

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(file));

        assertThat(e).hasMessageThat().contains("longer than its header says");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope");

        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(file));

        assertThat(e).hasMessageThat().contains(file + ": file not found");
    }
}
