package dev.lamina.runtime.io;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesANewFileAndItsMissingDirectories() throws Exception {
        Path target = dir.resolve("a/b/out.bin");
        byte[] bytes = new byte[200_000]; // more than the stream's buffer
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }

        AtomicFiles.write(target, out -> out.write(bytes));

        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(names(target.getParent())).containsExactly("out.bin");
    }

    @Test
    void replacesAnExistingFile() throws Exception {
        Path target = dir.resolve("report.md");
        Files.writeString(target, "old and longer than the new content");

        AtomicFiles.writeString(target, "new ä €");

        assertThat(Files.readAllBytes(target)).isEqualTo("new ä €".getBytes(StandardCharsets.UTF_8));
        assertThat(names(dir)).containsExactly("report.md");
    }

    @Test
    void aWriterThatThrowsLeavesTheTargetUntouchedAndNoTemporaryFile() throws Exception {
        Path target = dir.resolve("cell.properties");
        Files.writeString(target, "previous");
        IOException thrown = new IOException("checksum mismatch");

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw thrown;
        }));

        assertSame(thrown, e);
        assertThat(Files.readString(target)).isEqualTo("previous");
        assertThat(names(dir)).containsExactly("cell.properties");
    }

    @Test
    void anUncheckedExceptionAlsoAbandonsTheWriteOfANewFile() throws Exception {
        Path target = dir.resolve("chart.png");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IllegalStateException("encoder failed");
        }));

        assertThat(e).hasMessageThat().isEqualTo("encoder failed");
        assertThat(Files.exists(target)).isFalse();
        assertThat(names(dir)).isEmpty();
    }

    @Test
    void aFailedRenameNamesTheTargetAndDeletesTheTemporaryFile() throws Exception {
        // A non-empty directory cannot be replaced by a file.
        Path target = dir.resolve("occupied");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep"), "kept");

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "text"));

        assertThat(e).hasMessageThat().contains(target.toString());
        assertThat(e).hasMessageThat().contains("cannot rename");
        assertThat(e.getCause()).isNotNull();
        assertThat(Files.readString(target.resolve("keep"))).isEqualTo("kept");
        assertThat(names(dir)).containsExactly("occupied");
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsAnErrorNamingTheTarget() throws Exception {
        Path blocker = dir.resolve("plain-file");
        Files.writeString(blocker, "not a directory");
        Path target = blocker.resolve("sub/out.csv");

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "a,b\n"));

        assertThat(e).hasMessageThat().contains(target.toString());
        assertThat(e).hasMessageThat().contains("cannot create its directory");
        assertThat(Files.readString(blocker)).isEqualTo("not a directory");
    }

    @Test
    void closingTheStreamOnlyFlushesIt() throws Exception {
        Path target = dir.resolve("closed.bin");

        AtomicFiles.write(target, out -> {
            out.write(new byte[] {1, 2, 3});
            out.close(); // as some encoders do
        });

        assertThat(Files.readAllBytes(target)).isEqualTo(new byte[] {1, 2, 3});
        assertThat(names(dir)).containsExactly("closed.bin");
    }

    @Test
    void theFileGetsThePermissionsOfAnOrdinaryNewFile() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path ordinary = Files.createFile(dir.resolve("ordinary"));
        Path target = dir.resolve("written");

        AtomicFiles.writeString(target, "x");

        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(ordinary));
    }

    @Test
    void concurrentWritersOfOneTargetEachLeaveAWholeFile() throws Exception {
        Path target = dir.resolve("shared.bin");
        int size = 300_000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < 16; w++) {
                byte value = (byte) w;
                writes.add(pool.submit(() -> {
                    byte[] bytes = new byte[size];
                    Arrays.fill(bytes, value);
                    AtomicFiles.write(target, out -> {
                        for (int i = 0; i < size; i += 1000) {
                            out.write(bytes, i, 1000);
                        }
                    });
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdown();
        }

        byte[] result = Files.readAllBytes(target);
        byte[] oneWriters = new byte[size];
        Arrays.fill(oneWriters, result[0]);
        assertThat(result).isEqualTo(oneWriters);
        assertThat(names(dir)).containsExactly("shared.bin");
    }
}
