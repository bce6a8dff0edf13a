package dev.lamina.runtime.checkpoint;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Kills a real training process in the middle of an epoch (SIGKILL, no shutdown hooks), resumes it
 * in a new process from its last checkpoint, and checks that it ends with exactly the parameters,
 * buffers and optimizer state of a run that was never interrupted.
 */
class KillAndResumeTest {
    private static final Pattern CHECKPOINT =
            Pattern.compile("checkpoint .* at step (\\d+) \\(epoch (\\d+), batch (\\d+)\\)");

    @Test
    void killedRunResumesToTheResultOfAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path whole = Files.createDirectories(tmp.resolve("uninterrupted"));
        Path killed = Files.createDirectories(tmp.resolve("killed"));

        Run uninterrupted = run("fresh", whole, 0, false);
        assertWithMessage("uninterrupted run output:\n%s", uninterrupted.output).that(uninterrupted.exit).isEqualTo(0);

        // Slow enough (40 ms a step) to be caught; killed at the first checkpoint inside epoch 2 or later.
        Run interrupted = run("fresh", killed, 40, true);
        assertWithMessage("output:\n%s", interrupted.output).that(interrupted.killedAt).isNotNull();
        assertThat(interrupted.output).doesNotContain("DONE");
        assertThat(interrupted.exit).isNotEqualTo(0);
        assertThat(Files.exists(killed.resolve("final.ckpt"))).isFalse();
        TrainingPosition saved = CheckpointFile.read(killed.resolve("run.ckpt")).position();
        assertWithMessage("the checkpoint left by the killed run").that(saved.step())
                .isAtLeast(interrupted.killedAt.step());
        assertThat(saved.step()).isLessThan((long) TrainingChild.EPOCHS * 10);

        Run resumed = run("resume", killed, 0, false);
        assertWithMessage("resumed run output:\n%s", resumed.output).that(resumed.exit).isEqualTo(0);
        assertThat(resumed.output).contains("resumed from");

        Checkpoint expected = CheckpointFile.read(whole.resolve("final.ckpt"));
        Checkpoint actual = CheckpointFile.read(killed.resolve("final.ckpt"));
        assertBitwiseEqual("parameter", expected.parameters(), actual.parameters());
        assertBitwiseEqual("buffer", expected.buffers(), actual.buffers());
        assertBitwiseEqual("optimizer state", expected.optimizerState(), actual.optimizerState());
        assertThat(CheckpointFile.read(killed.resolve("run.ckpt")).position())
                .isEqualTo(CheckpointFile.read(whole.resolve("run.ckpt")).position());
    }

    private static void assertBitwiseEqual(String what, Map<String, INDArray> expected, Map<String, INDArray> actual) {
        assertThat(actual.keySet()).containsExactlyElementsIn(expected.keySet()).inOrder();
        expected.forEach((name, e) -> {
            INDArray a = actual.get(name);
            assertWithMessage("%s %s", what, name).that(a.shape()).isEqualTo(e.shape());
            if (e.dataType().isFPType()) {
                assertWithMessage("%s %s", what, name).that(a.data().asFloat()).isEqualTo(e.data().asFloat());
            } else {
                assertWithMessage("%s %s", what, name).that(a.data().asLong()).isEqualTo(e.data().asLong());
            }
        });
    }

    private record Position(long step, int epoch, int batch) {}

    private static final class Run {
        int exit;
        String output;
        Position killedAt;
    }

    /** Runs {@link TrainingChild} in a new JVM; with {@code kill}, kills it at a mid-epoch checkpoint of epoch 2+. */
    private static Run run(String mode, Path dir, long sleepMillis, boolean kill) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dorg.bytedeco.javacpp.maxbytes=512m", "-Dorg.bytedeco.javacpp.maxphysicalbytes=1g",
                "-cp", System.getProperty("java.class.path"),
                TrainingChild.class.getName(), mode, dir.toString(), Long.toString(sleepMillis)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process process = builder.start();
        Run run = new Run();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = CHECKPOINT.matcher(line);
                if (kill && run.killedAt == null && m.find()) {
                    Position p = new Position(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)));
                    if (p.epoch() >= 2 && p.batch() > 0) {
                        process.destroyForcibly(); // SIGKILL: no shutdown hooks, no flush
                        run.killedAt = p;
                        break; // destroying the process closes its output stream
                    }
                }
            }
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not finish:\n" + output);
        }
        run.exit = process.exitValue();
        run.output = output.toString();
        return run;
    }
}
