package dev.lamina.examples.cli;

import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.train.Evaluation;
import dev.lamina.runtime.train.Evaluator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Test loss and accuracy of a checkpoint on the MNIST test set. A NaN or infinite loss is an error
 * (exit code 1), not a result.
 */
@Command(name = "evaluate", 
        header = "Test loss and accuracy of a checkpoint on the MNIST test set.",
        mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Measure a checkpoint written by `train` on the 10,000 MNIST test images:",
                "mean loss and accuracy, in inference mode (BatchNorm running statistics,",
                "no dropout). The checkpoint says which model it holds.",
                "",
                MnistOptions.WHERE},
        footerHeading = "%nExample:%n",
        footer = "  lamina evaluate --checkpoint runs/<run>/checkpoint-epoch-1.lamina")
final class EvaluateCommand implements Callable<Integer> {
    /** Loads the test set; tests replace it with small synthetic data. */
    interface DataSource {
        Dataset loadTest(MnistOptions options) throws IOException;
    }

    @Option(names = {"-c", "--checkpoint"}, required = true, paramLabel = "FILE",
            description = "A checkpoint-epoch-N.lamina file written by `train`.")
    Path checkpoint;

    @Option(names = "--test-examples", paramLabel = "N",
            description = "Evaluate on the first N test images only (default: all 10,000).")
    Integer testExamples;

    @Option(names = "--batch-size", defaultValue = "500", paramLabel = "N",
            description = "Images per forward pass; affects speed and memory, not the result (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    ModelOption modelOption;

    @Mixin
    MnistOptions mnist;

    @Spec
    CommandSpec spec;

    DataSource data = MnistOptions::loadTest;
    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1 || (testExamples != null && testExamples < 1)) {
            throw new IllegalArgumentException("--batch-size and --test-examples must be at least 1");
        }
        SavedModel saved = SavedModel.load(checkpoint, modelOption, spec.commandLine());
        Dataset all = data.loadTest(mnist);
        MnistOptions.noteClamped(out, "--test-examples", testExamples, all.size(), "test");
        Dataset test = MnistOptions.first(all, testExamples);
        Evaluation result = Evaluator.evaluate(saved.model(), test, batchSize);
        if (!Double.isFinite(result.loss())) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: the test loss on %,d images is %s: the"
                    + " model gives non-finite outputs on this data; check the test data, or evaluate an earlier"
                    + " checkpoint of the run", checkpoint, result.count(), result.loss()));
        }
        out.printf(Locale.ROOT, "%s (%s)%n", checkpoint, saved.describe());
        out.printf(Locale.ROOT, "test loss %.4f  test accuracy %.2f%%  on %,d images%n", result.loss(),
                100 * result.accuracy(), result.count());
        return 0;
    }
}
