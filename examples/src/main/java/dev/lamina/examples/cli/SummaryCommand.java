package dev.lamina.examples.cli;

import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.runtime.model.Model;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints the seed network's layers, output shapes and parameter counts. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print the seed network's layers, output shapes and parameter counts.")
final class SummaryCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Model model = LaminaSeedNet.create(0);
        System.out.print(ModelTable.render(model));
        return 0;
    }
}
