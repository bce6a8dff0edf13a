package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads archives written by the system tar in each format npm packages might use. */
class TarReaderTest {
    @TempDir
    Path dir;

    private static final String LONG_DIR = "package/" + "a-rather-long-directory-name/".repeat(5);

    @ParameterizedTest
    @ValueSource(strings = {"ustar", "gnu", "pax"})
    void readsRegularFilesWithShortAndLongNames(String format) throws Exception {
        byte[] big = new byte[1500]; // spans several 512-byte blocks, not a multiple of 512
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        Files.createDirectories(dir.resolve("src/package/data"));
        Files.write(dir.resolve("src/package/data/big"), big);
        Files.write(dir.resolve("src/package/empty"), new byte[0]);
        Files.createDirectories(dir.resolve("src/" + LONG_DIR));
        Files.write(dir.resolve("src/" + LONG_DIR + "deep-file"), "deep".getBytes());
        Path tar = Tarballs.create(dir.resolve("a.tar"), dir.resolve("src"), false, format, "package");

        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            TarReader.read(in, (name, size, content) -> {
                byte[] bytes = content.readAllBytes();
                assertThat((long) bytes.length).isEqualTo(size);
                files.put(name, bytes);
            });
        }

        assertThat(files.keySet()).containsExactly("package/data/big", "package/empty", LONG_DIR + "deep-file");
        assertThat(files.get("package/data/big")).isEqualTo(big);
        assertThat(files.get("package/empty")).isEmpty();
        assertThat(new String(files.get(LONG_DIR + "deep-file"))).isEqualTo("deep");
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 700})
    void truncatedArchiveIsAnError(int keep) throws Exception {
        Files.createDirectories(dir.resolve("src/package"));
        Files.write(dir.resolve("src/package/f"), new byte[1000]);
        byte[] tar = Files.readAllBytes(Tarballs.create(dir.resolve("a.tar"), dir.resolve("src"), false, "ustar",
                "package/f"));

        assertThrows(EOFException.class, () -> TarReader.read(new ByteArrayInputStream(Arrays.copyOf(tar, keep)),
                (name, size, content) -> content.readAllBytes()));
    }
}
