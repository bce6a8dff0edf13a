package dev.lamina.examples.cli;

import dev.lamina.examples.models.LaminaSeedNet;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Prints the seed network's summary table. */
@Command(name = "summary", 
        header = "Print the seed network's layers, parameter counts and memory.",
        mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Print the seed network's layers: name, kind, output shape ([N, ...], N is",
                "the batch size), trainable and non-trainable parameters (BatchNorm running",
                "statistics) and the memory of each layer's output at --batch-size; then",
                "totals. The same table as model.summary(batchSize) in Java, and as the",
                "compiler NOTE that -Alamina.summary=true prints."},
        footerHeading = "%nExample:%n",
        footer = "  lamina summary --batch-size 1")
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Batch size for the activation memory (default: ${DEFAULT-VALUE}, as in `train`).")
    int batchSize;

    PrintStream out = System.out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batchSize < 1) {
            // A usage error, exit code 2, as for train's options.
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, found " + batchSize);
        }
        out.print(LaminaSeedNet.create(0).summary(batchSize));
        return 0;
    }
}
