package dev.lamina.examples.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher that {@code mvn package} builds, {@code target/lamina/bin/lamina}, run as a user
 * runs it: from another directory, through a symbolic link, with help and with mistakes. Runs in
 * failsafe's integration-test phase, after the package phase has built it.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of(System.getProperty("lamina.launcher", "target/lamina/bin/lamina"))
            .toAbsolutePath();
    /** What JDKs print on stderr for {@code --add-modules jdk.incubator.vector}; not Lamina's. */
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    private record Run(int exitCode, String out, List<String> err) {}

    @Test
    void helpWorksFromAnyDirectory(@TempDir Path elsewhere) throws Exception {
        Run run = run(elsewhere, LAUNCHER.toString(), "--help");

        assertWithMessage("stderr: %s", run.err()).that(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).startsWith("Usage: lamina ");
        assertThat(run.out()).containsMatch("(?m)^  train ");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void usageErrorIsOneErrorLineAndExitCode2(@TempDir Path elsewhere) throws Exception {
        Run run = run(elsewhere, LAUNCHER.toString(), "train", "--epochs", "-1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().get(0)).isEqualTo("error: --epochs must be at least 1, found -1");
        // Then the synopsis and where to read more; never a stack trace.
        assertThat(run.err().stream().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
        assertThat(String.join("\n", run.err())).doesNotContainMatch("Exception|\\tat ");
        assertThat(run.err().get(run.err().size() - 1)).isEqualTo("See 'lamina train --help' for what each option means.");
        assertThat(Files.list(elsewhere).count()).isEqualTo(0);  // nothing written
    }

    @Test
    void failureIsOneErrorLineAndExitCode1ThroughASymbolicLink(@TempDir Path elsewhere) throws Exception {
        Path link = Files.createSymbolicLink(elsewhere.resolve("lamina"), LAUNCHER);
        Path missing = elsewhere.resolve("missing.lamina");

        Run run = run(elsewhere, link.toString(), "evaluate", "--checkpoint", missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).containsExactly("error: " + missing + ": checkpoint file not found");
    }

    /** Runs {@code command} in {@code directory}; stderr without the JDK's incubator warning. */
    private static Run run(Path directory, String... command) throws IOException, InterruptedException {
        assertWithMessage("no launcher at %s: `mvn package` builds it", LAUNCHER).that(Files.isExecutable(LAUNCHER))
                .isTrue();
        Path out = Files.createTempFile("lamina-out", ".txt");
        Path err = Files.createTempFile("lamina-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
            }
            List<String> errLines = new ArrayList<>(Files.readAllLines(err, StandardCharsets.UTF_8));
            errLines.remove(INCUBATOR_WARNING);
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), errLines);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
