package dev.lamina.examples.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.examples.images.DigitImages;
import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.examples.models.MnistModels;
import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.train.Evaluation;
import dev.lamina.runtime.train.Evaluator;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code evaluate} and {@code predict} against the same model run directly: a checkpoint of a seeded
 * model, and synthetic digits written as PNG files, must give the numbers the model itself gives.
 */
class EvaluateAndPredictTest {
    private static final long SEED = 7;

    private static Path checkpointOf(LaminaSeedNet model, Path file) throws Exception {
        CheckpointFile.write(file, Checkpoint.capture(model, Adam.builder().build(),
                new TrainingPosition(30, 2, 0, SEED, 32, 480, 0, 0)));
        return file;
    }

    @Test
    void evaluatePrintsTheModelsTestLossAndAccuracy(@TempDir Path dir) throws Exception {
        LaminaSeedNet model = LaminaSeedNet.create(SEED);
        Path checkpoint = checkpointOf(model, dir.resolve("c.lamina"));
        Dataset test = SyntheticDigits.dataset(60, 3);
        Evaluation expected = Evaluator.evaluate(model, test, 500);

        Cli cli = Cli.run(c -> Cli.command(c, "evaluate", EvaluateCommand.class).data = options -> test,
                "evaluate", "--checkpoint", checkpoint.toString());
        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        assertThat(cli.out).contains("(after 2 epoch(s), step 30, of a run with seed 7)");
        assertThat(cli.out).contains(String.format(Locale.ROOT, "test loss %.4f  test accuracy %.2f%%  on 60 images",
                expected.loss(), 100 * expected.accuracy()));
        assertThat(cli.out).doesNotContain("Note: --test-examples");

        Cli more = Cli.run(c -> Cli.command(c, "evaluate", EvaluateCommand.class).data = options -> test,
                "evaluate", "--checkpoint", checkpoint.toString(), "--test-examples", "999999");
        assertThat(more.exitCode).isEqualTo(0);
        assertThat(more.out).startsWith("Note: --test-examples 999,999 is more than the 60 test images; using all 60.");
        assertThat(more.out).contains("on 60 images");
    }

    @Test
    void aNonFiniteTestLossIsAnErrorNotAResult(@TempDir Path dir) throws Exception {
        // Finite weights, so the checkpoint loads, but so large that the scores overflow to infinity.
        LaminaSeedNet model = LaminaSeedNet.create(SEED);
        model.parameters().stream().filter(p -> p.value().rank() == 2).reduce((a, b) -> b).orElseThrow().value()
                .assign(3e38f);
        Path checkpoint = checkpointOf(model, dir.resolve("c.lamina"));
        Dataset test = SyntheticDigits.dataset(60, 3);

        Cli cli = Cli.run(c -> Cli.command(c, "evaluate", EvaluateCommand.class).data = options -> test,
                "evaluate", "--checkpoint", checkpoint.toString());

        assertThat(cli.exitCode).isEqualTo(1);
        assertThat(cli.err).isEqualTo("error: " + checkpoint + ": the test loss on 60 images is NaN: the model gives"
                + " non-finite outputs on this data; check the test data, or evaluate an earlier checkpoint of the run"
                + System.lineSeparator());
        assertThat(cli.out).doesNotContain("test loss NaN");
    }

    @Test
    void aCheckpointWithANegativeRunningVarianceIsRefusedNamingTheBuffer(@TempDir Path dir) throws Exception {
        LaminaSeedNet model = LaminaSeedNet.create(SEED);
        Checkpoint good = Checkpoint.capture(model, Adam.builder().build(),
                new TrainingPosition(30, 2, 0, SEED, 32, 480, 0, 0));
        String variance = good.buffers().keySet().stream().filter(n -> n.endsWith(".running_var")).findFirst()
                .orElseThrow();
        Map<String, INDArray> buffers = new java.util.LinkedHashMap<>(good.buffers());
        buffers.put(variance, buffers.get(variance).dup().putScalar(1, -2f));
        Path checkpoint = dir.resolve("forged.lamina");
        CheckpointFile.write(checkpoint, new Checkpoint(good.model(), good.optimizer(), good.position(),
                good.parameters(), buffers, good.optimizerState()));

        Cli cli = Cli.run(c -> Cli.command(c, "evaluate", EvaluateCommand.class).data = options -> SyntheticDigits
                .dataset(20, 3), "evaluate", "--checkpoint", checkpoint.toString());

        assertThat(cli.exitCode).isEqualTo(1);
        assertThat(cli.err).startsWith("error: " + checkpoint + ": buffer " + variance + " holds the negative running"
                + " variance -2.0 (element 1 of ");
        assertThat(cli.err.lines().count()).isEqualTo(1);
    }

    /** A model trained for a few steps on the synthetic digits, so that its predictions differ between images. */
    private static LaminaSeedNet trained() {
        LaminaSeedNet model = LaminaSeedNet.create(SEED);
        Trainer.builder(model, Adam.builder().build()).epochs(3).batchSize(32).seed(SEED)
                .progress(TrainingListener.NONE).build()
                .fit(SyntheticDigits.dataset(96, 1), SyntheticDigits.dataset(20, 2));
        return model;
    }

    @Test
    void predictPrintsEachFilesDigitAndProbabilityAsTheModelComputesThem(@TempDir Path dir) throws Exception {
        LaminaSeedNet model = trained();
        Path checkpoint = checkpointOf(model, dir.resolve("c.lamina"));
        Dataset digits = SyntheticDigits.dataset(6, 5);
        Path images = dir.resolve("images");
        Path inverted = dir.resolve("inverted");
        for (int i = 0; i < digits.size(); i++) {
            float[] pixels = SyntheticDigits.pixels(digits, i);
            DigitImages.writePng(pixels, images.resolve("digit-" + i + ".png"));
            float[] ink = pixels.clone();
            for (int p = 0; p < ink.length; p++) {
                ink[p] = 1 - ink[p];
            }
            DigitImages.writePng(ink, inverted.resolve("digit-" + i + ".png"));
        }
        Files.writeString(images.resolve("README.txt"), "not a png: skipped");

        INDArray logits = model.forward(digits.features(), false);
        Cli cli = Cli.run("predict", "--checkpoint", checkpoint.toString(), "--images", images.toString());
        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        List<String> rows = cli.out.lines().filter(l -> l.startsWith("digit-")).toList();
        assertThat(rows).hasSize(6);
        assertThat(cli.out).contains("file         digit  probability");
        List<Integer> predicted = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            double[] p = softmax(logits.getRow(i).toDoubleVector());
            int best = 0;
            for (int k = 1; k < 10; k++) {
                best = p[k] > p[best] ? k : best;
            }
            assertThat(rows.get(i)).isEqualTo(String.format(Locale.ROOT, "digit-%d.png  %5d  %10.2f%%", i, best,
                    100 * p[best]));
            predicted.add(best);
        }
        // The bars are easy: three epochs teach the network most of them (it gets all six today).
        int correct = 0;
        for (int i = 0; i < 6; i++) {
            correct += predicted.get(i) == digits.classOf(i) ? 1 : 0;
        }
        assertWithMessage("predicted %s for classes %s", predicted, java.util.Arrays.toString(digits.classes()))
                .that(correct).isAtLeast(5);
        assertThat(cli.out).doesNotContain("--invert");

        // The same digits as ink on paper, with --invert: the same predictions.
        Cli ink = Cli.run("predict", "-c", checkpoint.toString(), "--images", inverted.toString(), "--invert");
        assertThat(ink.out.lines().filter(l -> l.startsWith("digit-")).toList()).isEqualTo(rows);
        // Without --invert a hint says what to do.
        Cli hint = Cli.run("predict", "-c", checkpoint.toString(), "--images", inverted.toString());
        assertThat(hint.out).contains("note: 6 image(s) have a light background (digit-0.png, ...); MNIST digits are"
                + " white on black, so try --invert");

        // One file, given directly.
        Cli one = Cli.run("predict", "-c", checkpoint.toString(), "--images", images.resolve("digit-2.png").toString());
        assertThat(one.out.lines().filter(l -> l.startsWith("digit-")).toList()).containsExactly(rows.get(2));
    }

    @Test
    void unreadableImagesAreReportedAndTheRestClassified(@TempDir Path dir) throws Exception {
        Path checkpoint = checkpointOf(LaminaSeedNet.create(SEED), dir.resolve("c.lamina"));
        Path images = dir.resolve("images");
        DigitImages.writePng(SyntheticDigits.pixels(SyntheticDigits.dataset(1, 9), 0), images.resolve("a.png"));
        Files.writeString(images.resolve("b.png"), "text, not an image");
        Cli cli = Cli.run("predict", "-c", checkpoint.toString(), "--images", images.toString());
        assertThat(cli.exitCode).isEqualTo(1);
        assertThat(cli.out).containsMatch("(?m)^a\\.png  +\\d  +\\d+\\.\\d\\d%$");
        assertThat(cli.out).containsMatch("(?m)^b\\.png  error: .*b\\.png: not an image that Java can read \\(use PNG\\)$");
        assertThat(cli.out).contains("1 of 2 file(s) could not be read");
    }

    @Test
    void aCheckpointOfAnotherModelIsACleanError(@TempDir Path dir) throws Exception {
        LaminaSeedNet model = LaminaSeedNet.create(SEED);
        Checkpoint real = Checkpoint.capture(model, Adam.builder().build(), TrainingPosition.start(SEED, 32, 100));
        Path file = dir.resolve("other.lamina");
        CheckpointFile.write(file, new Checkpoint("com.example.LaminaOtherNet", real.optimizer(), real.position(),
                real.parameters(), real.buffers(), Map.of()));
        Cli cli = Cli.run(c -> Cli.command(c, "evaluate", EvaluateCommand.class).data =
                options -> SyntheticDigits.dataset(10, 1), "evaluate", "-c", file.toString());
        assertThat(cli.exitCode).isEqualTo(1);
        // Names the checkpoint's model and every model the command line knows.
        assertThat(cli.err).startsWith("error: " + file + ": checkpoint is of model com.example.LaminaOtherNet, which is"
                + " none of this command's models: seed (dev.lamina.examples.models.LaminaSeedNet)");
        for (MnistModels.Entry known : MnistModels.builtIn().all()) {
            assertThat(cli.err).contains(known.describe());
        }
        assertThat(cli.err.lines().count()).isEqualTo(1);
    }

    /** The reference: {@code exp(z - max) / sum} of one row of logits, written out here. */
    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(logits[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }
}
