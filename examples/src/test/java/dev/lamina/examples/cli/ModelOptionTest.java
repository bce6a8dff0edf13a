package dev.lamina.examples.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.examples.images.DigitImages;
import dev.lamina.examples.models.LaminaMnistResNet;
import dev.lamina.examples.models.LaminaMnistViT;
import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.examples.models.MnistModels;
import dev.lamina.examples.models.MnistModels.Entry;
import dev.lamina.examples.report.PngChecks;
import dev.lamina.examples.study.LaminaConvBnActPoolDrop;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.AdamW;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;

/**
 * {@code --model} on {@code train}, {@code evaluate}, {@code predict} and {@code summary}: the registry,
 * the default, and checkpoints of one model refused by another. Besides the built-in models, a registry
 * with a second model, the seed study's ordering {@code ConvBnActPoolDrop}, which has the seed network's
 * parameter names and shapes: only the model check tells their checkpoints apart.
 */
class ModelOptionTest {
    private static final Entry OTHER = new Entry("other", "other network", "ConvBnActPoolDrop.java",
            LaminaConvBnActPoolDrop.class, LaminaConvBnActPoolDrop::create);
    private static final MnistModels WITH_OTHER = new MnistModels(
            concat(MnistModels.builtIn().all(), OTHER));
    private static final String SEED_CLASS = LaminaSeedNet.class.getName();
    private static final String OTHER_CLASS = LaminaConvBnActPoolDrop.class.getName();

    private static List<Entry> concat(List<Entry> entries, Entry more) {
        List<Entry> all = new ArrayList<>(entries);
        all.add(more);
        return all;
    }

    /** Every command uses {@code models}, and small synthetic data. */
    private static Consumer<CommandLine> using(MnistModels models) {
        return cli -> {
            TrainCommand train = Cli.command(cli, "train", TrainCommand.class);
            train.modelOption.models = models;
            train.data = options -> SyntheticDigits.mnist(64, 32);
            EvaluateCommand evaluate = Cli.command(cli, "evaluate", EvaluateCommand.class);
            evaluate.modelOption.models = models;
            evaluate.data = options -> SyntheticDigits.dataset(32, 2);
            Cli.command(cli, "predict", PredictCommand.class).modelOption.models = models;
            Cli.command(cli, "summary", SummaryCommand.class).modelOption.models = models;
        };
    }

    private static Cli run(String... args) {
        return Cli.run(using(WITH_OTHER), args);
    }

    private static Path trainOneEpoch(Path run, String... modelArgs) {
        List<String> args = new ArrayList<>(List.of("train", "--epochs", "1", "--batch-size", "32", "-o",
                run.toString()));
        args.addAll(Arrays.asList(modelArgs));
        Cli cli = run(args.toArray(String[]::new));
        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        return run.resolve("checkpoint-epoch-1.lamina");
    }

    @Test
    void theBuiltInModelsStartWithTheSeedNetworkAndAreAllMnistClassifiers() {
        MnistModels models = MnistModels.builtIn();
        assertThat(models.defaultModel().name()).isEqualTo("seed");
        assertThat(models.defaultModel().type()).isEqualTo(LaminaSeedNet.class);
        for (Entry e : models.all()) {
            Model model = e.create(3);
            assertWithMessage(e.name()).that(model.getClass()).isEqualTo(e.type());
            assertWithMessage(e.name()).that(model.inputShape()).isEqualTo(new int[] {1, 28, 28});
            assertWithMessage(e.name()).that(model.outputShape()).isEqualTo(new int[] {10});
            assertThat(models.byName(e.name())).hasValue(e);
            assertThat(models.byClassName(e.type().getName())).hasValue(e);
        }
        assertThat(models.byName("nope")).isEmpty();
        assertThat(models.byClassName("com.example.LaminaNope")).isEmpty();
        assertThrows(IllegalArgumentException.class, () -> new MnistModels(List.of(OTHER, OTHER)));
        assertThrows(IllegalArgumentException.class, () -> new MnistModels(List.of()));
    }

    @Test
    void everyCommandThatBuildsOrLoadsAModelExplainsModel() {
        for (String command : new String[] {"train", "evaluate", "predict", "summary"}) {
            Cli cli = Cli.run(command, "--help");
            assertWithMessage("%s --help", command).that(cli.out).contains("--model=NAME");
            assertWithMessage("%s --help", command).that(cli.out)
                    .contains("The network: " + String.join(", ", MnistModels.builtIn().names()));
        }
    }

    @Test
    void anUnknownModelIsAUsageErrorThatListsTheModels(@TempDir Path dir) {
        String expected = "error: --model: unknown model 'nope'; choose one of: seed";
        // Before any file is read: the checkpoint and the images do not exist.
        String absent = dir.resolve("absent.lamina").toString();
        String[][] commands = {
            {"train", "--model", "nope", "-o", dir.resolve("run").toString()},
            {"evaluate", "--model", "nope", "-c", absent},
            {"predict", "--model", "nope", "-c", absent, "--images", dir.resolve("none").toString()},
            {"summary", "--model", "nope"},
        };
        for (String[] args : commands) {
            Cli cli = Cli.run(args);
            assertWithMessage("%s: %s", args[0], cli.err).that(cli.exitCode).isEqualTo(2);
            assertWithMessage(args[0]).that(cli.err).startsWith(expected);
            assertWithMessage(args[0]).that(cli.err).contains("See 'lamina " + args[0] + " --help'");
        }
        assertThat(Files.exists(dir.resolve("run"))).isFalse();
    }

    @Test
    void summaryPrintsTheNamedModelsTable() {
        Cli seed = run("summary", "--batch-size", "2");
        Cli explicitSeed = run("summary", "--batch-size", "2", "--model", "seed");
        Cli other = run("summary", "--batch-size", "2", "--model", "other");
        assertThat(other.exitCode).isEqualTo(0);
        assertThat(explicitSeed.out).isEqualTo(seed.out);
        assertThat(seed.out).isEqualTo(LaminaSeedNet.create(0).summary(2));
        assertThat(other.out).isEqualTo(LaminaConvBnActPoolDrop.create(0).summary(2));
        assertThat(other.out).isNotEqualTo(seed.out);
    }

    @Test
    void trainWithoutModelTrainsTheSeedNetwork(@TempDir Path dir) throws Exception {
        Path checkpoint = trainOneEpoch(dir.resolve("run"));
        assertThat(CheckpointFile.read(checkpoint).model()).isEqualTo(SEED_CLASS);
    }

    @Test
    void aCheckpointRecordsItsModelAndEvaluateAndPredictFollowIt(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Cli train = run("train", "--model", "other", "--epochs", "1", "--batch-size", "32", "-o", run.toString());
        assertWithMessage("stderr: %s", train.err).that(train.exitCode).isEqualTo(0);
        assertThat(train.out).contains("Lamina other network (generated at compile time from ConvBnActPoolDrop.java):");
        assertThat(train.out).contains(LaminaConvBnActPoolDrop.create(0).summary(32));
        Path checkpoint = run.resolve("checkpoint-epoch-1.lamina");
        assertThat(CheckpointFile.read(checkpoint).model()).isEqualTo(OTHER_CLASS);

        // Without --model, and with the right one, the checkpoint's model is loaded.
        Cli evaluate = run("evaluate", "-c", checkpoint.toString());
        assertWithMessage("stderr: %s", evaluate.err).that(evaluate.exitCode).isEqualTo(0);
        assertThat(evaluate.out).contains("test accuracy");
        Cli named = run("evaluate", "-c", checkpoint.toString(), "--model", "other");
        assertThat(named.exitCode).isEqualTo(0);
        assertThat(named.out).isEqualTo(evaluate.out);

        // With another model: one line that names both, for evaluate and predict alike.
        String refused = "error: " + checkpoint + ": checkpoint is of model other (" + OTHER_CLASS + "), not of --model"
                + " seed (" + SEED_CLASS + "); pass --model other or leave --model out\n";
        Cli wrong = run("evaluate", "-c", checkpoint.toString(), "--model", "seed");
        assertThat(wrong.exitCode).isEqualTo(1);
        assertThat(wrong.err).isEqualTo(refused);
        Path images = dir.resolve("images");
        DigitImages.writePng(SyntheticDigits.pixels(SyntheticDigits.dataset(1, 9), 0),
                images.resolve("a.png"));
        Cli predictWrong = run("predict", "-c", checkpoint.toString(), "--images", images.toString(), "--model", "seed");
        assertThat(predictWrong.exitCode).isEqualTo(1);
        assertThat(predictWrong.err).isEqualTo(refused);
        Cli predict = run("predict", "-c", checkpoint.toString(), "--images", images.toString());
        assertWithMessage("stderr: %s", predict.err).that(predict.exitCode).isEqualTo(0);
        assertThat(predict.out).containsMatch("(?m)^a\\.png  +\\d  +\\d+\\.\\d\\d%$");

        // The built-in command line does not know this model: a clean error, not a crash or the seed network.
        Cli builtIn = Cli.run(c -> Cli.command(c, "evaluate", EvaluateCommand.class).data =
                options -> SyntheticDigits.dataset(32, 2), "evaluate", "-c", checkpoint.toString());
        assertThat(builtIn.exitCode).isEqualTo(1);
        assertThat(builtIn.err).startsWith("error: " + checkpoint + ": checkpoint is of model " + OTHER_CLASS
                + ", which is none of this command's models: seed (" + SEED_CLASS + ")");
    }

    @Test
    void aResumeContinuesTheCheckpointsModelAndRefusesAnotherLeavingTheRunAsItWas(@TempDir Path dir)
            throws Exception {
        Path run = dir.resolve("run");
        Path checkpoint = trainOneEpoch(run, "--model", "other");
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.csv"));
        byte[] curves = Files.readAllBytes(run.resolve("curves.png"));

        Cli wrong = run("train", "--epochs", "2", "--batch-size", "32", "-o", run.toString(), "--resume",
                checkpoint.toString(), "--model", "seed");
        assertThat(wrong.exitCode).isEqualTo(1);
        assertThat(wrong.err).isEqualTo("error: " + checkpoint + ": checkpoint is of model other (" + OTHER_CLASS
                + "), not of --model seed (" + SEED_CLASS + "); pass --model other or leave --model out\n");
        assertThat(Files.readAllBytes(run.resolve("metrics.csv"))).isEqualTo(metrics);
        assertThat(Files.readAllBytes(run.resolve("curves.png"))).isEqualTo(curves);
        assertThat(Files.exists(run.resolve("checkpoint-epoch-2.lamina"))).isFalse();

        // Without --model the checkpoint's model is resumed.
        Cli resumed = run("train", "--epochs", "2", "--batch-size", "32", "-o", run.toString(), "--resume",
                checkpoint.toString());
        assertWithMessage("stderr: %s", resumed.err).that(resumed.exitCode).isEqualTo(0);
        assertThat(resumed.out).contains("Lamina other network (generated at compile time");
        assertThat(resumed.out).contains("resumed from " + checkpoint);
        assertThat(CheckpointFile.read(run.resolve("checkpoint-epoch-2.lamina")).model()).isEqualTo(OTHER_CLASS);
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(1 + 2);
    }

    @Test
    void theResNetTrainsResumesEvaluatesAndPredictsFromTheCommandLine(@TempDir Path dir) throws Exception {
        String resnet = LaminaMnistResNet.class.getName();
        Cli summary = Cli.run("summary", "--model", "resnet");
        assertThat(summary.exitCode).isEqualTo(0);
        assertThat(summary.out).isEqualTo(LaminaMnistResNet.create(0).summary(128));

        // The built-in command line, on synthetic data.
        Consumer<CommandLine> data = cli -> {
            Cli.command(cli, "train", TrainCommand.class).data = options -> SyntheticDigits.mnist(64, 32);
            Cli.command(cli, "evaluate", EvaluateCommand.class).data = options -> SyntheticDigits.dataset(32, 2);
        };
        Path run = dir.resolve("run");
        Cli train = Cli.run(data, "train", "--model", "resnet", "--epochs", "1", "--batch-size", "32", "-o",
                run.toString());
        assertWithMessage("stderr: %s", train.err).that(train.exitCode).isEqualTo(0);
        assertThat(train.out).contains("Lamina MNIST ResNet (generated at compile time from MnistResNet.java):");
        assertThat(train.out).containsMatch("(?m)^Trainable parameters: +96,314 ");
        Path first = run.resolve("checkpoint-epoch-1.lamina");
        assertThat(CheckpointFile.read(first).model()).isEqualTo(resnet);
        assertThat(CheckpointFile.read(first).parameters()).containsKey("stage1[0].res.conv1.weight");

        Cli resumed = Cli.run(data, "train", "--epochs", "2", "--batch-size", "32", "-o", run.toString(), "--resume",
                first.toString());
        assertWithMessage("stderr: %s", resumed.err).that(resumed.exitCode).isEqualTo(0);
        assertThat(resumed.out).contains("Lamina MNIST ResNet");
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(1 + 2);
        PngChecks.assertChart(run.resolve("curves.png"), 1280, 440);
        Path second = run.resolve("checkpoint-epoch-2.lamina");
        assertThat(CheckpointFile.read(second).model()).isEqualTo(resnet);

        Cli evaluate = Cli.run(data, "evaluate", "-c", second.toString());
        assertWithMessage("stderr: %s", evaluate.err).that(evaluate.exitCode).isEqualTo(0);
        assertThat(evaluate.out).contains("test accuracy");
        Path images = dir.resolve("images");
        DigitImages.writePng(SyntheticDigits.pixels(SyntheticDigits.dataset(1, 9), 0), images.resolve("a.png"));
        Cli predict = Cli.run("predict", "-c", second.toString(), "--images", images.toString());
        assertWithMessage("stderr: %s", predict.err).that(predict.exitCode).isEqualTo(0);
        assertThat(predict.out).containsMatch("(?m)^a\\.png  +\\d  +\\d+\\.\\d\\d%$");

        // The seed network's model and the ResNet's checkpoints refuse each other.
        Cli wrong = Cli.run(data, "evaluate", "-c", second.toString(), "--model", "seed");
        assertThat(wrong.exitCode).isEqualTo(1);
        assertThat(wrong.err).isEqualTo("error: " + second + ": checkpoint is of model resnet (" + resnet + "), not of"
                + " --model seed (" + SEED_CLASS + "); pass --model resnet or leave --model out\n");
        Cli wrongResume = Cli.run(data, "train", "--epochs", "3", "--batch-size", "32", "-o", run.toString(),
                "--resume", second.toString(), "--model", "seed");
        assertThat(wrongResume.exitCode).isEqualTo(1);
        assertThat(wrongResume.err).contains("checkpoint is of model resnet (" + resnet + "), not of --model seed");
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(1 + 2);
    }

    /** The parameters after one epoch of two steps on synthetic data, trained with {@code extra} arguments. */
    private static Map<String, INDArray> parametersAfterTraining(Path run, List<String> printed, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--epochs", "1", "--batch-size", "32", "-o",
                run.toString()));
        args.addAll(Arrays.asList(extra));
        Cli cli = Cli.run(c -> Cli.command(c, "train", TrainCommand.class).data = options -> SyntheticDigits.mnist(64, 32),
                args.toArray(String[]::new));
        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        printed.add(cli.out);
        return CheckpointFile.read(run.resolve("checkpoint-epoch-1.lamina")).parameters();
    }

    @Test
    void theResNetAnnealsItsLearningRateByDefaultAndTheSeedNetworkKeepsItConstant(@TempDir Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        Map<String, INDArray> resnet = parametersAfterTraining(dir.resolve("r"), out, "--model", "resnet");
        Map<String, INDArray> resnetCosine = parametersAfterTraining(dir.resolve("rc"), out, "--model", "resnet",
                "--schedule", "warmup-cosine");
        Map<String, INDArray> resnetConstant = parametersAfterTraining(dir.resolve("rk"), out, "--model", "resnet",
                "--schedule", "constant");
        Map<String, INDArray> seed = parametersAfterTraining(dir.resolve("s"), out);
        Map<String, INDArray> seedConstant = parametersAfterTraining(dir.resolve("sk"), out, "--schedule",
                "constant");
        Map<String, INDArray> seedCosine = parametersAfterTraining(dir.resolve("sc"), out, "--schedule", "warmup-cosine");

        // Two steps: cosine runs the second at half the rate, so only the first step's update is the same.
        assertThat(resnet).isEqualTo(resnetCosine);
        assertThat(resnet).isNotEqualTo(resnetConstant);
        assertThat(seed).isEqualTo(seedConstant);
        assertThat(seed).isNotEqualTo(seedCosine);
        assertThat(out.get(0)).contains("schedule cosine to 0.0 at step 2");
        assertThat(out.get(2)).contains("schedule constant;");
        assertThat(out.get(3)).contains("schedule constant;");
        assertThat(out.get(5)).contains("schedule cosine to 0.0 at step 2");
    }

    @Test
    void theViTTrainsWithItsOwnDefaultsResumesEvaluatesAndPredicts(@TempDir Path dir) throws Exception {
        String vit = LaminaMnistViT.class.getName();
        Cli summary = Cli.run("summary", "--model", "vit");
        assertThat(summary.exitCode).isEqualTo(0);
        assertThat(summary.out).isEqualTo(LaminaMnistViT.create(0).summary(128));

        Consumer<CommandLine> data = cli -> {
            Cli.command(cli, "train", TrainCommand.class).data = options -> SyntheticDigits.mnist(64, 32);
            Cli.command(cli, "evaluate", EvaluateCommand.class).data = options -> SyntheticDigits.dataset(32, 2);
        };
        Path run = dir.resolve("run");
        Cli train = Cli.run(data, "train", "--model", "vit", "--epochs", "1", "--batch-size", "16", "-o",
                run.toString());
        assertWithMessage("stderr: %s", train.err).that(train.exitCode).isEqualTo(0);
        assertThat(train.out).contains("Lamina MNIST Vision Transformer (generated at compile time from MnistViT.java):");
        assertThat(train.out).containsMatch("(?m)^Trainable parameters: +138,890 ");
        // The model's recipe; on a run of 4 steps the 300-step warm-up shrinks to a fifth of it.
        assertThat(train.out).contains("batch 16, ADAMW lr 0.002, seed 42");
        assertThat(train.out).contains("Optimizer adamw lr 0.002 weight decay 0.05; schedule cosine to"
                + " 1.0E-5 at step 4; gradients clipped to norm 1.0 (--model vit's defaults unless given)");
        assertThat(train.out).containsMatch("(?m)^  epoch 1/1  25% \\(batch 1/4\\).* lr 2\\.00e-03  grad norm ");
        Path first = run.resolve("checkpoint-epoch-1.lamina");
        assertThat(CheckpointFile.read(first).model()).isEqualTo(vit);
        assertThat(CheckpointFile.read(first).optimizer()).isEqualTo(AdamW.class.getName());

        // A flag overrides the model's default; the resumed run keeps AdamW without being told.
        Cli resumed = Cli.run(data, "train", "--epochs", "2", "--batch-size", "16", "--clip-grad-norm", "0", "-o",
                run.toString(), "--resume", first.toString());
        assertWithMessage("stderr: %s", resumed.err).that(resumed.exitCode).isEqualTo(0);
        assertThat(resumed.out).contains("Lamina MNIST Vision Transformer");
        assertThat(resumed.out).contains("schedule warm-up 1 steps, cosine to 1.0E-5 at step 8; no clipping");
        assertThat(resumed.out).contains("resumed from " + first + " at step 4 (epoch 2, batch 0/4)");
        assertThat(resumed.out).doesNotContain("grad norm");
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(1 + 2);
        PngChecks.assertChart(run.resolve("curves.png"), 1280, 440);
        Path second = run.resolve("checkpoint-epoch-2.lamina");
        assertThat(CheckpointFile.read(second).model()).isEqualTo(vit);

        Cli evaluate = Cli.run(data, "evaluate", "-c", second.toString());
        assertWithMessage("stderr: %s", evaluate.err).that(evaluate.exitCode).isEqualTo(0);
        assertThat(evaluate.out).contains("test accuracy");
        Path images = dir.resolve("images");
        DigitImages.writePng(SyntheticDigits.pixels(SyntheticDigits.dataset(1, 9), 0), images.resolve("a.png"));
        Cli predict = Cli.run("predict", "-c", second.toString(), "--images", images.toString());
        assertWithMessage("stderr: %s", predict.err).that(predict.exitCode).isEqualTo(0);
        assertThat(predict.out).containsMatch("(?m)^a\\.png  +\\d  +\\d+\\.\\d\\d%$");

        // An Adam run cannot continue from the ViT's AdamW checkpoint.
        Cli adam = Cli.run(data, "train", "--epochs", "3", "--batch-size", "16", "--optimizer", "adam", "-o",
                dir.resolve("adam").toString(), "--resume", second.toString());
        assertThat(adam.exitCode).isEqualTo(1);
        assertThat(adam.err).contains(AdamW.class.getName());
    }

    @Test
    void theSeedNetworksCheckpointIsRefusedByAnotherModel(@TempDir Path dir) throws Exception {
        Path checkpoint = trainOneEpoch(dir.resolve("run"));
        Cli wrong = run("evaluate", "-c", checkpoint.toString(), "--model", "other");
        assertThat(wrong.exitCode).isEqualTo(1);
        assertThat(wrong.err).isEqualTo("error: " + checkpoint + ": checkpoint is of model seed (" + SEED_CLASS
                + "), not of --model other (" + OTHER_CLASS + "); pass --model seed or leave --model out\n");
    }
}
