package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;

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
 * The choice {@link FusedLoops} makes when it loads, in JVMs of their own: with and without the Vector
 * API module, and with {@code -Dlamina.vector=false}.
 */
class FusedLoopsChoiceTest {
    @TempDir
    static Path dir;

    /** A java.util.logging configuration that shows FINE records, where the choice is logged. */
    private static String verboseLogging() throws IOException {
        Path config = dir.resolve("fine-logging.properties");
        Files.writeString(config, "handlers=java.util.logging.ConsoleHandler\n.level=ALL\n"
                + "java.util.logging.ConsoleHandler.level=ALL\n");
        return "-Djava.util.logging.config.file=" + config;
    }

    /** Prints the loops this JVM runs (loading FusedLoops needs neither ND4J nor its natives). */
    public static void main(String[] args) {
        System.out.println("loops: " + FusedLoops.get().description());
    }

    private record Run(String stdout, String stderr) {}

    private static Run java(String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(flags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FusedLoopsChoiceTest.class.getName()));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(0);
        return new Run(out, err);
    }

    @Test
    void withoutTheModule_scalarLoopsAndAOneLineHint() throws Exception {
        Run run = java();
        assertThat(run.stdout()).contains("loops: scalar loops");
        assertThat(run.stderr()).contains(FusedLoops.HINT);
        assertThat(FusedLoops.HINT).doesNotContain("\n");
        assertThat(FusedLoops.HINT).contains("--add-modules jdk.incubator.vector");
    }

    @Test
    void withTheModule_vectorLoopsLoggedOnceAtFine() throws Exception {
        Run run = java("--add-modules", "jdk.incubator.vector", verboseLogging());
        assertThat(run.stdout()).contains("loops: Vector API");
        assertThat(run.stderr()).doesNotContain(FusedLoops.HINT);
        assertThat(run.stderr().split("Lamina kernels: ", -1)).hasLength(2);
        assertThat(run.stderr()).contains("FINE: Lamina kernels: Vector API");
    }

    @Test
    void withTheModule_nothingOnStderrByDefault() throws Exception {
        Run run = java("--add-modules", "jdk.incubator.vector");
        assertThat(run.stdout()).contains("loops: Vector API");
        assertThat(run.stderr()).doesNotContain("Lamina kernels");
        assertThat(run.stderr()).doesNotContain("FusedLoops");
    }

    @Test
    void propertyForcesScalarLoops() throws Exception {
        Run run = java("--add-modules", "jdk.incubator.vector", "-Dlamina.vector=false", verboseLogging());
        assertThat(run.stdout()).contains("loops: scalar loops");
        assertThat(run.stderr()).contains("-Dlamina.vector=false");
    }
}
