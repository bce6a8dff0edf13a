package dev.lamina.examples.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.examples.report.MetricsCsv;
import dev.lamina.examples.testing.MnistCopy;
import dev.lamina.examples.report.PngChecks;
import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code lamina train} end to end on small synthetic data: what it prints and the files it writes. */
class TrainCommandTest {
    private static Cli train(String... args) {
        return Cli.run(cli -> Cli.command(cli, "train", TrainCommand.class).data = options -> SyntheticDigits.mnist(64, 32),
                args);
    }

    @Test
    void writesMetricsCurvesAndACheckpointPerEpoch(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Cli cli = train("train", "--epochs", "2", "--batch-size", "32", "-o", run.toString());
        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);

        // Without a terminal: the summary, plain progress lines, one line per epoch, where the files are.
        assertThat(cli.out).containsMatch("(?m)^Trainable parameters: +843,850  \\(3\\.2 MiB\\)$");
        assertThat(cli.out).contains("Activations at batch size 32:");
        assertThat(cli.out).contains("Training on 64 images, testing on 32; 2 epoch(s), batch 32");
        assertThat(cli.out).containsMatch("(?m)^  epoch 1/2  50% \\(batch 1/2\\)  train loss \\d+\\.\\d{4}  \\d+ img/s  ETA ");
        assertThat(cli.out).containsMatch("(?m)^epoch 2/2  train loss \\d+\\.\\d{4}  train accuracy \\d+\\.\\d\\d%");
        assertThat(cli.out).contains("Wrote " + run.resolve("metrics.csv") + ", " + run.resolve("curves.png"));
        assertThat(cli.out).contains("Next: lamina evaluate --checkpoint " + run.resolve("checkpoint-epoch-2.lamina"));

        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).isEqualTo(MetricsCsv.HEADER);
        for (int epoch = 1; epoch <= 2; epoch++) {
            String[] cells = csv.get(epoch).split(",");
            assertThat(cells).hasLength(8);
            assertThat(Integer.parseInt(cells[0])).isEqualTo(epoch);
            for (int c = 1; c < 7; c++) {
                double v = Double.parseDouble(cells[c]);
                assertWithMessage("%s", csv.get(epoch)).that(v).isAtLeast(0.0);
                if (c == 2 || c == 4) {
                    assertWithMessage("accuracy in %s", csv.get(epoch)).that(v).isAtMost(1.0);
                }
            }
        }
        // The synthetic bars are easy: after two epochs the network has learnt something.
        assertThat(Double.parseDouble(csv.get(2).split(",")[1])).isLessThan(Double.parseDouble(csv.get(1).split(",")[1]));

        PngChecks.assertChart(run.resolve("curves.png"), 1280, 440);
        for (int epoch = 1; epoch <= 2; epoch++) {
            Path checkpoint = run.resolve("checkpoint-epoch-" + epoch + ".lamina");
            assertThat(CheckpointFile.read(checkpoint).position().epoch()).isEqualTo(epoch);
        }
    }

    @Test
    void earlyStoppingEndsTheRunWhenTheTestLossStopsImproving(@TempDir Path dir) throws Exception {
        // No test loss is lower than the best by more than 100, so only epoch 1 improves (on infinity):
        // with patience 2 the run stops after epoch 3 of 6. TrainingListenerTest (runtime) covers the rule.
        Cli cli = train("train", "--epochs", "6", "--batch-size", "32", "--early-stopping-patience", "2",
                "--min-delta", "100", "-o", dir.toString());
        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        assertThat(cli.out).contains("stopped early after epoch 3: test loss has not improved by more than 100.0 for 2"
                + " epoch(s)");
        assertThat(cli.out).contains("Lowest test loss");
        assertThat(cli.out).contains("after epoch 1: " + dir.resolve("checkpoint-epoch-1.lamina"));
        assertThat(Files.readAllLines(dir.resolve("metrics.csv"))).hasSize(1 + 3);
        assertThat(Files.exists(dir.resolve("checkpoint-epoch-3.lamina"))).isTrue();
        assertThat(Files.exists(dir.resolve("checkpoint-epoch-4.lamina"))).isFalse();
    }

    @Test
    void resumesFromAnEpochCheckpoint(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first");
        assertThat(train("train", "--epochs", "1", "--batch-size", "32", "-o", first.toString()).exitCode).isEqualTo(0);
        Cli resumed = train("train", "--epochs", "2", "--batch-size", "32", "-o", dir.resolve("second").toString(),
                "--resume", first.resolve("checkpoint-epoch-1.lamina").toString());
        assertWithMessage("stderr: %s", resumed.err).that(resumed.exitCode).isEqualTo(0);
        assertThat(resumed.out).contains("resumed from " + first.resolve("checkpoint-epoch-1.lamina")
                + " at step 2 (epoch 2, batch 0/2)");
        // A resume into another directory starts its metrics.csv with the earlier run's rows.
        List<String> second = Files.readAllLines(dir.resolve("second/metrics.csv"));
        assertThat(second.subList(0, 2)).isEqualTo(Files.readAllLines(first.resolve("metrics.csv")));
        assertThat(second.get(2)).startsWith("2,");

        Cli mismatch = train("train", "--epochs", "2", "--batch-size", "16", "-o", dir.resolve("third").toString(),
                "--resume", first.resolve("checkpoint-epoch-1.lamina").toString());
        assertThat(mismatch.exitCode).isEqualTo(2);
        assertThat(mismatch.err).contains("continues a run with --seed 42, --batch-size 32 and 64 training images, but"
                + " this one has --seed 42, --batch-size 16 and 64 training images");
        assertThat(mismatch.err).doesNotContain("Exception");
        assertThat(Files.exists(dir.resolve("third"))).isFalse();
    }

    @Test
    void aResumeIntoTheRunsOwnDirectoryKeepsEveryMetricsRowAndDrawsThemAll(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThat(train("train", "--epochs", "2", "--batch-size", "32", "-o", run.toString()).exitCode).isEqualTo(0);
        List<String> before = Files.readAllLines(run.resolve("metrics.csv"));

        Cli resumed = train("train", "--epochs", "4", "--batch-size", "32", "-o", run.toString(),
                "--resume", run.resolve("checkpoint-epoch-2.lamina").toString());

        assertWithMessage("stderr: %s", resumed.err).that(resumed.exitCode).isEqualTo(0);
        List<String> after = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(after).hasSize(1 + 4);
        assertThat(after.subList(0, 3)).isEqualTo(before);
        assertThat(after.get(3)).startsWith("3,");
        assertThat(after.get(4)).startsWith("4,");
        PngChecks.assertChart(run.resolve("curves.png"), 1280, 440);
        for (int epoch = 1; epoch <= 4; epoch++) {
            assertThat(Files.exists(run.resolve("checkpoint-epoch-" + epoch + ".lamina"))).isTrue();
        }
        assertNoTemporaryFiles(run);
    }

    @Test
    void aResumeAtAnEarlierEpochMovesLaterCheckpointsAsideAndAGappedHistoryIsRefused(@TempDir Path dir)
            throws Exception {
        Path run = dir.resolve("run");
        assertThat(train("train", "--epochs", "3", "--batch-size", "32", "-o", run.toString()).exitCode).isEqualTo(0);
        byte[] oldThird = Files.readAllBytes(run.resolve("checkpoint-epoch-3.lamina"));

        // A new branch from epoch 1, two epochs long: epoch 3 of the old branch must not stay beside its rows.
        Cli branch = train("train", "--epochs", "2", "--batch-size", "32", "-o", run.toString(),
                "--resume", run.resolve("checkpoint-epoch-1.lamina").toString());

        assertWithMessage("stderr: %s", branch.err).that(branch.exitCode).isEqualTo(0);
        Path aside = run.resolve("checkpoint-epoch-3-before-resume-at-epoch-1.lamina");
        assertThat(Files.exists(run.resolve("checkpoint-epoch-3.lamina"))).isFalse();
        assertThat(Files.readAllBytes(aside)).isEqualTo(oldThird);
        assertThat(branch.out).contains("Moved " + run.resolve("checkpoint-epoch-3.lamina"));
        assertThat(Files.readAllLines(run.resolve("metrics-before-resume-at-epoch-1.csv"))).hasSize(1 + 3);
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(1 + 2);

        // Resuming the old branch's epoch 3 finds rows 1-2 of the new branch only: refused, nothing written.
        Path other = dir.resolve("other");
        Cli gapped = train("train", "--epochs", "4", "--batch-size", "32", "-o", other.toString(),
                "--resume", aside.toString());

        assertThat(gapped.exitCode).isEqualTo(2);
        assertThat(gapped.err).startsWith("error: --resume " + aside + " finished epoch 3, but its history is not whole: "
                + run.resolve("metrics.csv") + " should hold the rows of epochs 1 to 3 of that run, but holds rows of"
                + " epochs [1, 2], missing [3]");
        assertThat(gapped.out).isEmpty();
        assertThat(Files.exists(other)).isFalse();

        // With the rows moved aside, the resume starts a metrics.csv of its own epochs and says so.
        Files.move(run.resolve("metrics.csv"), dir.resolve("moved.csv"));
        Cli fresh = train("train", "--epochs", "4", "--batch-size", "32", "-o", other.toString(),
                "--resume", aside.toString());
        assertWithMessage("stderr: %s", fresh.err).that(fresh.exitCode).isEqualTo(0);
        assertThat(fresh.out).contains("Note: no metrics.csv holds the rows of epochs 1 to 3 of the run resumed");
        List<String> rows = Files.readAllLines(other.resolve("metrics.csv"));
        assertThat(rows).hasSize(1 + 1);
        assertThat(rows.get(1)).startsWith("4,");
    }

    @Test
    void aResumeTakesTheSettingsItsCheckpointRecordsUnlessGivenOtherwise(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThat(train("train", "--epochs", "1", "--batch-size", "16", "--seed", "7", "--train-examples", "40",
                "-o", run.toString()).exitCode).isEqualTo(0);
        Path first = run.resolve("checkpoint-epoch-1.lamina");

        Cli resumed = train("train", "--epochs", "2", "-o", run.toString(), "--resume", first.toString());

        assertWithMessage("stderr: %s", resumed.err).that(resumed.exitCode).isEqualTo(0);
        assertThat(resumed.out).contains("Training on 40 images, testing on 32; 2 epoch(s), batch 16,");
        assertThat(resumed.out).contains("seed 7");
        var position = CheckpointFile.read(run.resolve("checkpoint-epoch-2.lamina")).position();
        assertThat(position.examples()).isEqualTo(40);
        assertThat(position.batchSize()).isEqualTo(16);
        assertThat(position.seed()).isEqualTo(7);

        // A value given explicitly that differs from the checkpoint's is still an error naming both.
        Cli other = train("train", "--epochs", "3", "--train-examples", "48", "-o", dir.resolve("x").toString(),
                "--resume", first.toString());
        assertThat(other.exitCode).isEqualTo(2);
        assertThat(other.err).contains("continues a run with --seed 7, --batch-size 16 and 40 training images, but"
                + " this one has --seed 7, --batch-size 16 and 48 training images");
    }

    @Test
    void aResumeDefaultsTestExamplesFromTheCheckpointAndRefusesAnotherTestSet(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThat(train("train", "--epochs", "1", "--batch-size", "32", "--test-examples", "16", "-o",
                run.toString()).exitCode).isEqualTo(0);
        Path first = run.resolve("checkpoint-epoch-1.lamina");
        assertThat(CheckpointFile.read(first).metadata()).containsEntry("test.examples", "16");

        Cli resumed = train("train", "--epochs", "2", "-o", run.toString(), "--resume", first.toString());

        assertWithMessage("stderr: %s", resumed.err).that(resumed.exitCode).isEqualTo(0);
        assertThat(resumed.out).contains("Training on 64 images, testing on 16; 2 epoch(s), batch 32,");
        assertThat(CheckpointFile.read(run.resolve("checkpoint-epoch-2.lamina")).metadata())
                .containsEntry("test.examples", "16");

        // Another test set would make the history's test columns incomparable: a usage error, nothing written.
        Cli other = train("train", "--epochs", "3", "--test-examples", "32", "-o", dir.resolve("x").toString(),
                "--resume", first.toString());
        assertThat(other.exitCode).isEqualTo(2);
        assertThat(other.err).contains("continues a run tested on 16 test images, but this one tests on 32; leave out"
                + " --test-examples (or give 16), or start a new run for another test set");
        assertThat(Files.exists(dir.resolve("x"))).isFalse();

        // A checkpoint that records no test-set size (as format version 1) neither defaults nor checks it.
        Path bare = dir.resolve("bare/checkpoint-epoch-1.lamina");
        Files.createDirectories(bare.getParent());
        CheckpointFile.write(bare, CheckpointFile.read(first).withMetadata(Map.of()));
        Cli old = train("train", "--epochs", "2", "-o", dir.resolve("bare").toString(), "--resume", bare.toString());
        assertWithMessage("stderr: %s", old.err).that(old.exitCode).isEqualTo(0);
        assertThat(old.out).contains("testing on 32;");
    }

    @Test
    void aResumeRefusesAnotherRunsHistoryEvenWhenItHoldsTheRightEpochs(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertThat(train("train", "--epochs", "1", "--batch-size", "32", "-o", a.toString()).exitCode).isEqualTo(0);
        assertThat(train("train", "--epochs", "1", "--batch-size", "32", "-o", b.toString()).exitCode).isEqualTo(0);
        Path checkpointA = a.resolve("checkpoint-epoch-1.lamina");
        String idA = CheckpointFile.read(checkpointA).metadata().get("run.id");
        String idB = CheckpointFile.read(b.resolve("checkpoint-epoch-1.lamina")).metadata().get("run.id");
        assertThat(idA).isNotEmpty();
        assertThat(idB).isNotEqualTo(idA);
        assertThat(Files.readAllLines(a.resolve("metrics.csv")).get(1)).endsWith("," + idA);
        byte[] metricsB = Files.readAllBytes(b.resolve("metrics.csv"));

        // b's metrics.csv holds a row of epoch 1, as a's checkpoint needs, but b wrote it.
        Cli mixed = train("train", "--epochs", "2", "-o", b.toString(), "--resume", checkpointA.toString());

        assertThat(mixed.exitCode).isEqualTo(2);
        assertThat(mixed.err).startsWith("error: --resume " + checkpointA + " finished epoch 1, but its history is not"
                + " whole: " + b.resolve("metrics.csv") + " holds rows of epochs 1 to 1, but its row of epoch 1 was"
                + " written by run " + idB + ", not by run " + idA + " that wrote the checkpoint (run_id column)");
        assertThat(mixed.err).contains("move " + b.resolve("metrics.csv") + " aside");
        assertThat(mixed.out).isEmpty();
        assertThat(Files.readAllBytes(b.resolve("metrics.csv"))).isEqualTo(metricsB);
        assertThat(Files.exists(b.resolve("checkpoint-epoch-2.lamina"))).isFalse();

        // Into its own directory the resume is accepted; the resumed process writes its rows under its own id.
        Cli own = train("train", "--epochs", "2", "-o", a.toString(), "--resume", checkpointA.toString());
        assertWithMessage("stderr: %s", own.err).that(own.exitCode).isEqualTo(0);
        List<String> rows = Files.readAllLines(a.resolve("metrics.csv"));
        assertThat(rows).hasSize(1 + 2);
        assertThat(rows.get(1)).endsWith("," + idA);
        String idResumed = CheckpointFile.read(a.resolve("checkpoint-epoch-2.lamina")).metadata().get("run.id");
        assertThat(idResumed).isNotEqualTo(idA);
        assertThat(rows.get(2)).endsWith("," + idResumed);
    }

    @Test
    void aResumeFromADirectoryOrMissingFileFailsAsEvaluateDoesAndAFileAsOutputDirIsNamedAsSuch(@TempDir Path dir)
            throws Exception {
        for (Path bad : List.of(dir, dir.resolve("absent.lamina"))) {
            Cli train = train("train", "--epochs", "1", "-o", dir.resolve("out").toString(), "--resume", bad.toString());
            Cli evaluate = Cli.run("evaluate", "--checkpoint", bad.toString());

            assertWithMessage("%s", bad).that(train.exitCode).isEqualTo(evaluate.exitCode);
            assertWithMessage("%s", bad).that(train.err).isEqualTo(evaluate.err);
            assertWithMessage("%s", bad).that(train.err).startsWith("error: " + bad + ": ");
        }
        assertThat(train("train", "-o", dir.resolve("out").toString(), "--resume", dir.toString()).err)
                .contains("is a directory, not a checkpoint file");

        Path file = Files.writeString(dir.resolve("afile"), "notes\n");
        Cli cli = train("train", "--epochs", "1", "-o", file.toString());
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).startsWith("error: -o " + file + " is a file, not a directory;");
        assertThat(Files.readString(file)).isEqualTo("notes\n");
    }

    @Test
    void aRefusedResumeLeavesTheRunDirectoryByteForByte(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThat(train("train", "--epochs", "2", "--batch-size", "32", "-o", run.toString()).exitCode).isEqualTo(0);
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.csv"));
        byte[] curves = Files.readAllBytes(run.resolve("curves.png"));
        // A checkpoint of the run whose weights went NaN, with a valid checksum.
        Path poisoned = dir.resolve("poisoned.lamina");
        Checkpoint good = CheckpointFile.read(run.resolve("checkpoint-epoch-2.lamina"));
        Map<String, INDArray> parameters = new LinkedHashMap<>(good.parameters());
        String tensor = parameters.keySet().iterator().next();
        parameters.put(tensor, parameters.get(tensor).dup().putScalar(0, Float.NaN));
        CheckpointFile.write(poisoned, new Checkpoint(good.model(), good.optimizer(), good.position(), parameters,
                good.buffers(), good.optimizerState()));

        Cli mismatch = train("train", "--epochs", "3", "--batch-size", "16", "-o", run.toString(),
                "--resume", run.resolve("checkpoint-epoch-2.lamina").toString());
        Cli nan = train("train", "--epochs", "3", "--batch-size", "32", "-o", run.toString(),
                "--resume", poisoned.toString());

        // Another --batch-size is a mistake on the command line, found before the run prints anything.
        assertThat(mismatch.exitCode).isEqualTo(2);
        assertThat(mismatch.err).startsWith("error: --resume " + run.resolve("checkpoint-epoch-2.lamina")
                + " continues a run with --seed 42, --batch-size 32 and 64 training images, but this one has --seed 42,"
                + " --batch-size 16 and 64 training images; give the options of that run");
        assertThat(mismatch.out).isEmpty();
        assertThat(nan.exitCode).isEqualTo(1);
        assertThat(nan.out).isEmpty();
        assertThat(nan.err).isEqualTo("error: " + poisoned + ": parameter " + tensor + " holds NaN (element 0 of "
                + parameters.get(tensor).length() + "); the run that wrote it had diverged or the file was altered:"
                + " use an earlier checkpoint of the run, or train again" + System.lineSeparator());
        assertThat(Files.readAllBytes(run.resolve("metrics.csv"))).isEqualTo(metrics);
        assertThat(Files.readAllBytes(run.resolve("curves.png"))).isEqualTo(curves);
        assertThat(Files.exists(run.resolve("checkpoint-epoch-3.lamina"))).isFalse();
        assertNoTemporaryFiles(run);
    }

    @Test
    void aResumeFromAFileThatIsNoCheckpointOfThisModelPrintsOnlyTheError(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThat(train("train", "--epochs", "1", "--batch-size", "32", "-o", run.toString()).exitCode).isEqualTo(0);
        Path text = Files.writeString(dir.resolve("notes.lamina"), "epoch 1 went well\n".repeat(20));
        // A checkpoint whose first weight has the right size but another shape: its checksum is valid.
        Path reshaped = dir.resolve("reshaped.lamina");
        Checkpoint good = CheckpointFile.read(run.resolve("checkpoint-epoch-1.lamina"));
        Map<String, INDArray> parameters = new LinkedHashMap<>(good.parameters());
        String tensor = parameters.keySet().iterator().next();
        parameters.put(tensor, parameters.get(tensor).dup().reshape(1, parameters.get(tensor).length()));
        CheckpointFile.write(reshaped, new Checkpoint(good.model(), good.optimizer(), good.position(), parameters,
                good.buffers(), good.optimizerState()));

        for (Path file : List.of(text, reshaped)) {
            Path out = dir.resolve("out-" + file.getFileName());
            Cli cli = train("train", "--epochs", "2", "--batch-size", "32", "-o", out.toString(), "--resume",
                    file.toString());

            assertWithMessage("%s", file).that(cli.exitCode).isEqualTo(1);
            assertWithMessage("%s", file).that(cli.err).startsWith("error: " + file + ": ");
            assertWithMessage("%s", file).that(cli.err.lines().count()).isEqualTo(1);
            assertWithMessage("%s: no summary, no header", file).that(cli.out).isEmpty();
            assertWithMessage("%s: no run directory", file).that(Files.exists(out)).isFalse();
        }
    }

    @Test
    void moreExamplesThanTheDataHoldsUsesAllOfThemAndSaysSoOnce(@TempDir Path dir) {
        Cli cli = train("train", "--epochs", "1", "--batch-size", "32", "--train-examples", "999999",
                "--test-examples", "40", "-o", dir.resolve("run").toString());

        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        assertThat(cli.out).contains("Note: --train-examples 999,999 is more than the 64 training images; using all 64.");
        assertThat(cli.out).contains("Note: --test-examples 40 is more than the 32 test images; using all 32.");
        assertThat(cli.out.split("Note: --", -1)).hasLength(3);
        assertThat(cli.out).contains("Training on 64 images, testing on 32;");
        Cli exact = train("train", "--epochs", "1", "--batch-size", "32", "--train-examples", "64",
                "-o", dir.resolve("exact").toString());
        assertThat(exact.out).doesNotContain("Note: --");
    }

    @Test
    void aNewRunIntoADirectoryThatHoldsARunIsRefusedAndChangesNothing(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThat(train("train", "--epochs", "1", "--batch-size", "32", "-o", run.toString()).exitCode).isEqualTo(0);
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.csv"));

        Cli again = train("train", "--epochs", "1", "--batch-size", "32", "-o", run.toString());

        assertThat(again.exitCode).isEqualTo(2);
        assertThat(again.err).startsWith("error: -o " + run + " already holds a run (" + run.resolve("metrics.csv")
                + "), which a new run would overwrite; continue it with --resume " + run
                + "/checkpoint-epoch-N.lamina, or give another -o");
        assertThat(Files.readAllBytes(run.resolve("metrics.csv"))).isEqualTo(metrics);
    }

    @Test
    void anEpochWhoseCheckpointCannotBeWrittenGetsNoMetricsRow(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Path blocked = run.resolve("checkpoint-epoch-2.lamina");
        Files.createDirectories(blocked.resolve("in-the-way"));  // a non-empty directory: the rename fails

        Cli cli = train("train", "--epochs", "2", "--batch-size", "32", "-o", run.toString());

        assertThat(cli.exitCode).isEqualTo(1);
        assertThat(cli.err).startsWith("error: " + blocked + ": cannot rename the temporary file");
        assertThat(cli.err.lines().count()).isEqualTo(1);
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(csv).hasSize(1 + 1);
        assertThat(csv.get(1)).startsWith("1,");
        assertNoTemporaryFiles(run);
    }

    private static void assertNoTemporaryFiles(Path run) throws Exception {
        try (Stream<Path> files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
        }
    }

    @Test
    void defaultRunDirectoriesAreNewAndTimestamped(@TempDir Path dir) throws Exception {
        Path a = TrainCommand.newRunDirectory(dir);
        assertThat(a.getFileName().toString()).matches("\\d{8}-\\d{6}");
        Files.createDirectories(a);
        Path b = TrainCommand.newRunDirectory(dir);
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void trainsOnRealMnistWhenItIsAvailable(@TempDir Path dir) throws Exception {
        Path mnist = MnistCopy.require();
        Cli cli = Cli.run("train", "--data-dir", mnist.toString(), "--train-examples", "128", "--test-examples", "64",
                "--batch-size", "64", "-o", dir.toString());
        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        assertThat(cli.out).contains("Training on 128 images, testing on 64");
        assertThat(Files.readAllLines(dir.resolve("metrics.csv"))).hasSize(2);

        Cli evaluate = Cli.run("evaluate", "-c", dir.resolve("checkpoint-epoch-1.lamina").toString(),
                "--test-examples", "64");
        assertWithMessage("stderr: %s", evaluate.err).that(evaluate.exitCode).isEqualTo(0);
        assertThat(evaluate.out).containsMatch("test loss \\d+\\.\\d{4}  test accuracy \\d+\\.\\d\\d%  on 64 images");
    }
}
