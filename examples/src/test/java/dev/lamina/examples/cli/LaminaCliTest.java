package dev.lamina.examples.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.examples.models.MnistModels;
import dev.lamina.runtime.optim.LearningRateSchedule;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Parsing, help and error reporting of the command line; nothing here trains. */
class LaminaCliTest {
    @Test
    void topLevelHelpListsEveryCommand() {
        Cli cli = Cli.run("--help");
        assertThat(cli.exitCode).isEqualTo(0);
        for (String command : new String[] {"train", "evaluate", "predict", "summary", "help"}) {
            assertThat(cli.out).containsMatch("(?m)^  " + command + " ");
        }
        assertThat(cli.out).contains("Exit codes:");
        // Every built-in network is named, as `--model NAME` takes it.
        for (String model : MnistModels.builtIn().names()) {
            assertThat(cli.out).contains(model);
        }
        assertThat(cli.out).contains("--model vit");
        cli.out.lines().forEach(line -> assertWithMessage("--help line").that(line.length()).isAtMost(80));
    }

    @Test
    void everyCommandHasHelpThatNamesItsOptionsAndAnExample() {
        String[][] expectations = {
            {"train", "--epochs", "--batch-size", "--output-dir", "--early-stopping-patience", "--resume",
                "metrics.csv", "curves.png", "checkpoint-epoch-N.lamina", "lamina train"},
            {"evaluate", "--checkpoint", "--data-dir", "lamina evaluate --checkpoint"},
            {"predict", "--checkpoint", "--images", "--invert", "WHITE on BLACK", "lamina predict"},
            {"summary", "--batch-size", "lamina summary"},
        };
        for (String[] e : expectations) {
            Cli cli = Cli.run(e[0], "--help");
            assertWithMessage("%s --help", e[0]).that(cli.exitCode).isEqualTo(0);
            for (int i = 1; i < e.length; i++) {
                assertWithMessage("%s --help", e[0]).that(cli.out).contains(e[i]);
            }
            // Written to fit an 80-column terminal without picocli breaking lines mid-sentence.
            cli.out.lines().forEach(line -> assertWithMessage("%s --help line", e[0]).that(line.length()).isAtMost(80));
            assertThat(Cli.run("help", e[0]).out).isEqualTo(cli.out);
        }
    }

    @Test
    void enumValuesIgnoreCase() {
        // Through the real command line, which allows it; the train command itself is only parsed.
        CommandLine cli = LaminaCli.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs("train", "--optimizer", "sgd");
        TrainCommand train = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertThat(train.optimizer).isEqualTo(TrainCommand.OptimizerKind.SGD);
    }

    @Test
    void parsesTrainOptions(@TempDir Path dir) {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--epochs", "3", "--batch-size", "64", "--optimizer", "SGD", "--lr", "0.05",
                "--seed", "7", "-o", dir.toString(), "--early-stopping-patience", "2", "--min-delta", "0.001",
                "--train-examples", "100", "--test-examples", "50", "--data-dir", dir.toString());
        assertThat(train.epochs).isEqualTo(3);
        assertThat(train.batchSize).isEqualTo(64);
        assertThat(train.optimizer).isEqualTo(TrainCommand.OptimizerKind.SGD);
        assertThat(train.learningRate).isEqualTo(0.05);
        assertThat(train.seed).isEqualTo(7);
        assertThat(train.outputDir).isEqualTo(dir);
        assertThat(train.patience).isEqualTo(2);
        assertThat(train.minDelta).isEqualTo(0.001);
        assertThat(train.trainExamples).isEqualTo(100);
        assertThat(train.testExamples).isEqualTo(50);
        assertThat(train.mnist.dataDir).isEqualTo(dir);

        TrainCommand defaults = new TrainCommand();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.epochs).isEqualTo(1);
        assertThat(defaults.batchSize).isEqualTo(128);
        // Optimizer, rate, schedule and clipping left out: the model's defaults (the seed network's: Adam 1e-3).
        assertThat(defaults.optimizer).isNull();
        TrainCommand.Recipe recipe = defaults.recipe(MnistModels.builtIn().defaultModel(), 469);
        assertThat(recipe.optimizerKind()).isEqualTo(TrainCommand.OptimizerKind.ADAM);
        assertThat(recipe.lr()).isEqualTo(1e-3);
        assertThat(recipe.schedule()).isEqualTo(LearningRateSchedule.constant());
        assertThat(recipe.clipGradNorm()).isEqualTo(0.0);
        TrainCommand.Recipe vit = defaults.recipe(MnistModels.builtIn().byName("vit").orElseThrow(), 3 * 469);
        assertThat(vit.optimizerKind()).isEqualTo(TrainCommand.OptimizerKind.ADAMW);
        assertThat(vit.schedule()).isEqualTo(LearningRateSchedule.warmupCosine(281, 3 * 469, 1e-5));
        assertThat(vit.clipGradNorm()).isEqualTo(1.0);
        assertThat(defaults.outputDir).isNull();
        assertThat(defaults.patience).isNull();
    }

    @Test
    void usageErrorsAreOneMessageAndAPointerToHelp() {
        Cli typo = Cli.run("train", "--epoch", "3");
        assertThat(typo.exitCode).isEqualTo(2);
        assertThat(typo.err).startsWith("error: Unknown options: '--epoch', '3'");
        assertThat(typo.err).contains("--epochs");
        assertThat(typo.err).contains("See 'lamina train --help'");

        Cli invalid = Cli.run("train", "--epochs", "0", "--batch-size", "-1");
        assertThat(invalid.exitCode).isEqualTo(2);
        assertThat(invalid.err).contains("error: --epochs must be at least 1, found 0; --batch-size must be at least 1,"
                + " found -1");

        Cli missing = Cli.run("predict", "--images", ".");
        assertThat(missing.exitCode).isEqualTo(2);
        assertThat(missing.err).contains("error: Missing required option: '--checkpoint=FILE'");

        Cli unknownCommand = Cli.run("trian");
        assertThat(unknownCommand.exitCode).isEqualTo(2);
        assertThat(unknownCommand.err).contains("Did you mean: lamina train?");
    }

    @Test
    void failuresAreOneLineWithoutAStackTrace(@TempDir Path dir) {
        Cli cli = Cli.run("evaluate", "--checkpoint", dir.resolve("absent.lamina").toString());
        assertThat(cli.exitCode).isEqualTo(1);
        assertThat(cli.err).isEqualTo("error: " + dir.resolve("absent.lamina") + ": checkpoint file not found\n");

        Cli directory = Cli.run("evaluate", "-c", dir.toString());
        assertThat(directory.exitCode).isEqualTo(1);
        assertThat(directory.err).startsWith("error: " + dir + ": is a directory, not a checkpoint file");

        Cli noImages = Cli.run("predict", "-c", dir.resolve("absent.lamina").toString(), "--images", dir.toString());
        assertThat(noImages.exitCode).isEqualTo(1);
        assertThat(noImages.err).isEqualTo("error: --images: no .png files in " + dir + "\n");
        assertThat(noImages.err).doesNotContain("\tat ");
    }

    @Test
    void summaryPrintsTheTableAtTheGivenBatchSize() {
        Cli cli = Cli.run("summary", "--batch-size", "2");
        assertThat(cli.exitCode).isEqualTo(0);
        assertThat(cli.out).contains(" conv1   | Conv2d    | [N, 32, 26, 26] |       320 |             0 |   169.0 KiB");
        assertThat(cli.out).contains("Activations at batch size 2: 254,292  (993.3 KiB)");
        assertThat(Cli.run("summary").out).contains("Activations at batch size 128:");
    }

    @Test
    void summaryWithABatchSizeBelowOneIsAUsageError() {
        Cli cli = Cli.run("summary", "--batch-size", "0");
        assertThat(cli.exitCode).isEqualTo(2);
        assertThat(cli.err).startsWith("error: --batch-size must be at least 1, found 0");
        assertThat(cli.err).doesNotContain("\tat ");
    }
}
