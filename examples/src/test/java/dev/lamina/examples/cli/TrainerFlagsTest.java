package dev.lamina.examples.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.optim.AdamW;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lamina train}'s optimizer, schedule and clipping flags ({@code --optimizer adamw},
 * {@code --weight-decay}, {@code --schedule}, {@code --warmup-steps}, {@code --min-lr},
 * {@code --clip-grad-norm}) on small synthetic data: usage errors, the rates the progress lines
 * show, and a resume that continues on the same rates.
 */
class TrainerFlagsTest {
    /** 64 training images: batches of 16 give 4 steps per epoch. */
    private static Cli train(String... args) {
        return Cli.run(cli -> Cli.command(cli, "train", TrainCommand.class).data = options -> SyntheticDigits.mnist(64, 32),
                args);
    }

    private static String[] with(Path dir, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "-o";
        all[args.length + 2] = dir.toString();
        return all;
    }

    @Test
    void badValuesAreOneLineUsageErrors(@TempDir Path dir) {
        String[][] cases = {
            {"--schedule", "linear"}, {"--warmup-steps", "-3"}, {"--warmup-steps", "150%"}, {"--warmup-steps", "ten"},
            {"--weight-decay", "-0.1", "--optimizer", "adamw"}, {"--weight-decay", "0.1", "--optimizer", "adam"},
            {"--min-lr", "1e-4"}, {"--min-lr", "-1", "--schedule", "warmup-cosine"}, {"--clip-grad-norm", "-1"},
            {"--clip-grad-norm", "Infinity"}, {"--lr", "NaN"}, {"--optimizer", "lamb"},
            // 64 images in batches of 32 for 1 epoch: 2 steps.
            {"--warmup-steps", "3", "--batch-size", "32", "--schedule", "warmup-cosine"},
        };
        String[] expected = {
            "error: --schedule must be constant or warmup-cosine, found 'linear'",
            "error: --warmup-steps must be a number of steps >= 0 or a percentage from 0% to 100%, found '-3'",
            "error: --warmup-steps must be a percentage from 0% to 100% of the run, found 150%",
            "error: --warmup-steps must be a number of steps >= 0 or a percentage from 0% to 100%, found 'ten'",
            "error: --weight-decay must be a finite number >= 0, found -0.1",
            "error: --weight-decay is AdamW's decoupled decay; it needs --optimizer adamw, not ADAM",
            "error: --min-lr is the rate warmup-cosine ends on; it needs --schedule warmup-cosine",
            "error: --min-lr must be a finite number >= 0, found -1.0",
            "error: --clip-grad-norm must be a finite number > 0, or 0 for no clipping, found -1.0",
            "error: --clip-grad-norm must be a finite number > 0, or 0 for no clipping, found Infinity",
            "error: --lr must be a finite number >= 0, found NaN",
            "error: Invalid value for option '--optimizer': expected one of [ADAM, ADAMW, SGD] (case-insensitive) but"
                    + " was 'lamb'",
            "error: --warmup-steps 3 is longer than the run, whose cosine ends at step 2 (1 epoch(s) x 2 batches); give"
                    + " fewer steps or a percentage such as 10%",
        };
        for (int i = 0; i < cases.length; i++) {
            Path run = dir.resolve("run" + i);
            Cli cli = train(with(run, cases[i]));
            String first = cli.err.lines().findFirst().orElse("");
            assertWithMessage("%s: %s", Arrays.toString(cases[i]), cli.err).that(cli.exitCode).isEqualTo(2);
            assertWithMessage("%s", Arrays.toString(cases[i])).that(first).isEqualTo(expected[i]);
            assertThat(cli.err.lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
            assertWithMessage("%s", Arrays.toString(cases[i])).that(Files.exists(run)).isFalse();
        }
    }

    @Test
    void adamWWithWarmUpCosineAndClippingShowsEachStepsRateAndNorm(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Cli cli = train(with(run, "--epochs", "2", "--batch-size", "16", "--optimizer", "adamw", "--weight-decay",
                "0.1", "--schedule", "warmup-cosine", "--warmup-steps", "1", "--min-lr", "1e-4", "--clip-grad-norm",
                "0.5"));
        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        assertThat(cli.out).contains("Training on 64 images, testing on 32; 2 epoch(s), batch 16, ADAMW lr 0.001, seed 42");
        assertThat(cli.out).contains("Optimizer adamw lr 0.001 weight decay 0.1; schedule warm-up 1 steps, cosine to"
                + " 1.0E-4 at step 8; gradients clipped to norm 0.5");
        // Step 0 warms up from 0; step 1 has the peak rate; step 4 (epoch 2, batch 1) is 3/7 down the cosine.
        assertThat(cli.out).containsMatch("(?m)^  epoch 1/2  25% \\(batch 1/4\\).* lr 0\\.00e\\+00  grad norm \\d+\\.\\d{3}$");
        assertThat(cli.out).containsMatch("(?m)^  epoch 1/2  50% \\(batch 2/4\\).* lr 1\\.00e-03  grad norm \\d+\\.\\d{3}$");
        double step4 = 1e-4 + (1e-3 - 1e-4) * 0.5 * (1 + Math.cos(Math.PI * 3 / 7));
        assertThat(cli.out).containsMatch("(?m)^  epoch 2/2  25% \\(batch 1/4\\).* lr "
                + String.format(Locale.ROOT, "%.2e", step4).replace(".", "\\.").replace("+", "\\+") + "  grad norm ");
        assertThat(CheckpointFile.read(run.resolve("checkpoint-epoch-2.lamina")).optimizer())
                .isEqualTo(AdamW.class.getName());
    }

    @Test
    void theDefaultRunShowsItsConstantRateAndNoNorm(@TempDir Path dir) {
        Cli cli = train(with(dir.resolve("run"), "--epochs", "1", "--batch-size", "16"));
        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        assertThat(cli.out).contains("Optimizer adam lr 0.001; schedule constant; no clipping");
        assertThat(cli.out).containsMatch("(?m)^  epoch 1/1  25% \\(batch 1/4\\).*ETA \\d+ s  lr 1\\.00e-03$");
    }

    @Test
    void aResumedRunContinuesOnTheSameRatesAsOneThatNeverStopped(@TempDir Path dir) throws Exception {
        // A warm-up of 6 steps spans the end of epoch 1 (step 4): the rates after the resume come from
        // the checkpoint's step count.
        String[] recipe = {"--batch-size", "16", "--optimizer", "adamw", "--schedule", "constant", "--warmup-steps",
            "6", "--clip-grad-norm", "1"};
        Path whole = dir.resolve("whole");
        Cli straight = train(with(whole, concat(recipe, "--epochs", "2")));
        assertWithMessage("stderr: %s", straight.err).that(straight.exitCode).isEqualTo(0);
        assertThat(straight.out).contains("schedule warm-up 6 steps, then constant");

        Path parts = dir.resolve("parts");
        assertThat(train(with(parts, concat(recipe, "--epochs", "1"))).exitCode).isEqualTo(0);
        Cli resumed = train(with(parts, concat(recipe, "--epochs", "2", "--resume",
                parts.resolve("checkpoint-epoch-1.lamina").toString())));
        assertWithMessage("stderr: %s", resumed.err).that(resumed.exitCode).isEqualTo(0);

        // Epoch 2, batch 1 is step 4 of the warm-up: 4/6 of the peak rate, in both runs.
        String step4 = "(?m)^  epoch 2/2  25% \\(batch 1/4\\).* lr 6\\.67e-04  grad norm ";
        assertThat(straight.out).containsMatch(step4);
        assertThat(resumed.out).containsMatch(step4);
        // Same losses and accuracies (the columns before the timings) after every epoch.
        List<String> a = Files.readAllLines(whole.resolve("metrics.csv"));
        List<String> b = Files.readAllLines(parts.resolve("metrics.csv"));
        assertThat(b).hasSize(a.size());
        for (int i = 1; i < a.size(); i++) {
            assertThat(withoutTimings(b.get(i))).isEqualTo(withoutTimings(a.get(i)));
        }
    }

    private static String withoutTimings(String row) {
        String[] cells = row.split(",");
        return String.join(",", Arrays.copyOf(cells, 5));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
