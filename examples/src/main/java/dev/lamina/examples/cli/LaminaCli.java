package dev.lamina.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The examples' command line: {@code lamina train|summary}. Run it with
 * {@code mvn -pl examples exec:java -Dlamina.command="train --epochs 3"} or from the packaged jar.
 */
@Command(name = "lamina", mixinStandardHelpOptions = true, version = "Lamina 0.1.0",
        description = "Train and inspect Lamina's example networks on MNIST.",
        subcommands = {TrainCommand.class, SummaryCommand.class, CommandLine.HelpCommand.class})
public final class LaminaCli {
    private LaminaCli() {}

    public static void main(String[] args) {
        // exec:java passes the whole -Dlamina.command value as one argument; split it into words.
        String[] words = args.length == 1 ? args[0].trim().split("\\s+") : args;
        int code = new CommandLine(new LaminaCli()).execute(words);
        if (code != 0) {
            System.exit(code);
        }
    }
}
