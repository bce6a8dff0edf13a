package dev.lamina.examples.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Prints a model's summary table (the seed network's by default). */
@Command(name = "summary", 
        header = "Print a network's layers, parameter counts and memory.",
        mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Print the layers of the seed network (or of --model): name, kind, output",
                "shape ([N, ...], N is the batch size), trainable and non-trainable",
                "parameters (BatchNorm running statistics) and the memory of each layer's",
                "output at --batch-size; then totals. The same table as",
                "model.summary(batchSize) in Java, and as the compiler NOTE that",
                "-Alamina.summary=true prints."},
        footerHeading = "%nExamples:%n",
        footer = {"  lamina summary --batch-size 1", "  lamina summary --model resnet"})
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Batch size for the activation memory (default: ${DEFAULT-VALUE}, as in `train`).")
    int batchSize;

    @Mixin
    ModelOption modelOption;

    PrintStream out = System.out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batchSize < 1) {
            // A usage error, exit code 2, as for train's options.
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, found " + batchSize);
        }
        out.print(modelOption.resolve(spec.commandLine()).create(0).summary(batchSize));
        return 0;
    }
}
