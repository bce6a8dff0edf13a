package dev.lamina.examples.cli;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.examples.models.MnistModels;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.runtime.model.Model;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code train} on the edges of a run: a last batch of one image before a BatchNorm with one value per
 * channel (dropped, with one note), and a {@code curves.png} that cannot be written (a warning, the run
 * goes on). No example network has such a BatchNorm, so the test compiles one with Lamina's processor.
 */
class TrainEdgesTest {
    private static final String DENSE_BN_NET = String.join("\n",
            "package edges;",
            "import dev.lamina.dsl.*;",
            "@Sequential(input = {1, 28, 28})",
            "public interface DenseBnNet {",
            "    @Flatten Layer flatten();",
            "    @Dense(8) Layer hidden();",
            "    @BatchNorm Layer norm();",
            "    @ReLU Layer act();",
            "    @Dense(10) Layer logits();",
            "}");

    /** The built-in models plus {@code densebn}, compiled into {@code dir} by javac with Lamina's processor. */
    private static MnistModels withDenseBn(Path dir) throws Exception {
        Path source = dir.resolve("src/edges/DenseBnNet.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, DENSE_BN_NET);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjects(source);
            JavaCompiler.CompilationTask task = javac.getTask(diagnostics, files, null,
                    List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path")), null, units);
            task.setProcessors(List.of(new LaminaProcessor()));
            assertWithMessage("javac: %s", diagnostics).that(task.call()).isTrue();
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                TrainEdgesTest.class.getClassLoader());
        Class<? extends Model> type = loader.loadClass("edges.LaminaDenseBnNet").asSubclass(Model.class);
        MnistModels.Entry entry = new MnistModels.Entry("densebn", "Dense+BatchNorm network", "DenseBnNet.java", type,
                seed -> {
                    try {
                        return (Model) type.getMethod("create", long.class).invoke(null, seed);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                });
        List<MnistModels.Entry> all = new ArrayList<>(MnistModels.builtIn().all());
        all.add(entry);
        return new MnistModels(all);
    }

    private static Consumer<CommandLine> using(MnistModels models) {
        return cli -> {
            TrainCommand train = Cli.command(cli, "train", TrainCommand.class);
            train.modelOption.models = models;
            train.data = options -> SyntheticDigits.mnist(64, 32);
        };
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void aLastBatchOfOneBeforeAPerExampleBatchNormIsDroppedWithOneNote(@TempDir Path dir) throws Exception {
        MnistModels models = withDenseBn(dir);

        // 33 images in batches of 8: four full batches and one of a single image, every epoch.
        Cli cli = Cli.run(using(models), "train", "--model", "densebn", "--epochs", "2", "--batch-size", "8",
                "--train-examples", "33", "-o", dir.resolve("run").toString());

        assertWithMessage("stderr: %s\nstdout: %s", cli.err, cli.out).that(cli.exitCode).isEqualTo(0);
        assertThat(cli.out).contains("Note: 33 training images in batches of 8 leave a last batch of 1 image, and layer"
                + " 'norm' (BatchNorm over [8]) has one value per channel per image, so it cannot train on it: each"
                + " epoch drops that batch");
        assertThat(occurrences(cli.out, "leave a last batch of 1 image")).isEqualTo(1);
        assertThat(cli.out).contains("(batch 3/4)");
        assertThat(cli.out).doesNotContain("/5)");
        assertThat(Files.readAllLines(dir.resolve("run/metrics.csv"))).hasSize(3);

        // The seed network normalises 26x26 values per channel: a batch of one trains, nothing is dropped.
        Cli seed = Cli.run(using(models), "train", "--epochs", "1", "--batch-size", "8", "--train-examples", "33",
                "-o", dir.resolve("seed").toString());
        assertWithMessage("stderr: %s", seed.err).that(seed.exitCode).isEqualTo(0);
        assertThat(seed.out).doesNotContain("leave a last batch");
        assertThat(seed.out).contains("(batch 4/5)");
    }

    @Test
    void aCurvesFileThatCannotBeWrittenWarnsOnceAndTheRunGoesOn(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        // A non-empty directory where curves.png goes: no file can replace it.
        Files.createDirectories(run.resolve("curves.png"));
        Files.writeString(run.resolve("curves.png/keep.txt"), "in the way");

        Cli cli = Cli.run(using(MnistModels.builtIn()), "train", "--epochs", "2", "--batch-size", "32",
                "-o", run.toString());

        assertWithMessage("stderr: %s", cli.err).that(cli.exitCode).isEqualTo(0);
        assertThat(occurrences(cli.out, "Warning: could not draw " + run.resolve("curves.png"))).isEqualTo(1);
        assertThat(cli.out).contains("after epoch 1");
        assertThat(cli.out).contains("training goes on");
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(3);
        assertThat(Files.exists(run.resolve("checkpoint-epoch-2.lamina"))).isTrue();
    }

    @Test
    void aHugeLearningRateStopsWithOneDivergenceErrorUnderEveryOptimizer(@TempDir Path dir) throws Exception {
        for (String optimizer : List.of("ADAM", "ADAMW", "SGD")) {
            Path run = dir.resolve(optimizer);
            Cli cli = Cli.run(using(MnistModels.builtIn()), "train", "--epochs", "3", "--batch-size", "16",
                    "--optimizer", optimizer, "--lr", "1e6", "-o", run.toString());

            assertWithMessage("%s: stdout %s", optimizer, cli.out).that(cli.exitCode).isEqualTo(1);
            assertWithMessage("%s", optimizer).that(cli.err).startsWith("error: training diverged at step ");
            assertWithMessage("%s", optimizer).that(cli.err.strip().lines().count()).isEqualTo(1);
            // Stopped within the first epoch: no epoch row, no hang in the chart.
            assertWithMessage("%s", optimizer).that(Files.exists(run.resolve("checkpoint-epoch-1.lamina"))).isFalse();
        }
    }

    @Test
    void aDirectoryLeftByARunThatDivergedBeforeItsFirstEpochCanBeUsedAgain(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Cli diverged = Cli.run(using(MnistModels.builtIn()), "train", "--epochs", "1", "--batch-size", "16",
                "--lr", "1e6", "-o", run.toString());
        assertThat(diverged.exitCode).isEqualTo(1);
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(1);

        Cli again = Cli.run(using(MnistModels.builtIn()), "train", "--epochs", "1", "--batch-size", "16",
                "-o", run.toString());

        assertWithMessage("stderr: %s", again.err).that(again.exitCode).isEqualTo(0);
        assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(2);
        assertThat(Files.exists(run.resolve("checkpoint-epoch-1.lamina"))).isTrue();

        // Now it holds a run: a third one is refused.
        Cli third = Cli.run(using(MnistModels.builtIn()), "train", "--epochs", "1", "--batch-size", "16",
                "-o", run.toString());
        assertThat(third.exitCode).isEqualTo(2);
        assertThat(third.err).contains("already holds a run");
    }
}
