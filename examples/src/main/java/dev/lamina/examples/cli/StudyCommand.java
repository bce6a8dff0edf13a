package dev.lamina.examples.cli;

import dev.lamina.examples.study.Ordering;
import dev.lamina.examples.study.Study;
import dev.lamina.examples.study.StudyConfig;
import dev.lamina.examples.study.StudyReport;
import dev.lamina.examples.study.StudyResults;
import dev.lamina.runtime.data.DataFileException;
import dev.lamina.runtime.data.Mnist;
import dev.lamina.runtime.data.MnistFetcher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reproduces the seed thread's ten-ordering MNIST table with seeds, error bars and the variance shift. */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = {"Train the ten Conv/BatchNorm/ELU/Dropout/MaxPool orderings of the seed thread on MNIST with"
                + " several seeds; report test loss and accuracy (mean ± sd), the lint's findings and each BatchNorm"
                + " layer's variance shift; write study.md, study.csv, cells.csv and two PNG charts to --out.",
                "Finished (ordering, seed) cells are kept in --out/cells and skipped when the command runs again,"
                        + " so an interrupted study resumes; the cell in training checkpoints every 100 steps.",
                "The defaults take about 10 minutes on 2 cores. The seed thread's setting is"
                        + " --epochs 20 --train-size 60000 --seeds 5 (days at today's speed)."})
final class StudyCommand implements Callable<Integer> {
    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the training subset (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per ordering (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "1", description = "Seed of the first replicate; the others follow (default: ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--train-size", defaultValue = "10000", description = "Train on the first N of the 60,000 training images (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--test-size", defaultValue = "10000", description = "Test on the first N of the 10,000 test images (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per Adam step (default: ${DEFAULT-VALUE}; small"
            + " enough that one epoch of the default subset takes 157 steps, which BatchNorm's running statistics need"
            + " to forget their initial values).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--orderings", split = ",", paramLabel = "ORDERING",
            description = "Only these orderings, e.g. Conv-BN-Act-Drop-Pool,Conv-Drop-BN-Act-Pool (default: all ten).")
    List<String> orderings;

    @Option(names = "--out", defaultValue = "study-results", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data-dir", description = "Directory holding the four MNIST IDX files, raw or gzipped.")
    Path dataDir;

    @Option(names = "--lint-only", description = "Print each ordering's lint findings and exit, without training.")
    boolean lintOnly;

    @Override
    public Integer call() throws IOException {
        StudyConfig config;
        try {
            List<Ordering> chosen = orderings == null ? Ordering.all()
                    : orderings.stream().map(Ordering::parse).toList();
            config = new StudyConfig(chosen, epochs, seeds, firstSeed, trainSize, testSize, batchSize, learningRate);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        if (lintOnly) {
            Study.lintFindings(config.orderings()).forEach((ordering, findings) -> {
                System.out.println(ordering.label() + " (" + ordering.interfaceName() + "):");
                if (findings.isEmpty()) {
                    System.out.println("  no findings");
                }
                findings.forEach(f -> System.out.println("  " + f.severity().toLowerCase(java.util.Locale.ROOT)
                        + " on " + f.layer() + ": " + f.message()));
            });
            return 0;
        }
        Mnist mnist;
        try {
            mnist = Mnist.load(new MnistFetcher(dataDir).locate());
        } catch (DataFileException | MnistFetcher.DownloadException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("error: could not read MNIST: " + e);
            return 2;
        }
        StudyResults results;
        try {
            results = new Study(config, out, System.out, System.console() != null).run(mnist);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        for (Path file : StudyReport.write(results, out, "lamina " + config.commandLine() + " --out " + out)) {
            System.out.println("wrote " + file);
        }
        return 0;
    }
}
