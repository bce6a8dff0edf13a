package dev.lamina.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The examples' command line: {@code lamina train|summary}. Run it with
 * {@code mvn -pl examples exec:java -Dlamina.command="train --epochs 3"} or from the packaged jar.
 */
@Command(name = "lamina", mixinStandardHelpOptions = true, version = "Lamina 0.1.0",
        description = "Train and inspect Lamina's example networks on MNIST.",
        subcommands = {TrainCommand.class, SummaryCommand.class, StudyCommand.class, CommandLine.HelpCommand.class})
public final class LaminaCli {
    private LaminaCli() {}

    public static void main(String[] args) {
        boundNativeMemory();
        // exec:java passes the whole -Dlamina.command value as one argument; split it into words.
        String[] words = args.length == 1 ? args[0].trim().split("\\s+") : args;
        int code = new CommandLine(new LaminaCli()).execute(words);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * ND4J's off-heap arrays are freed only when the GC collects their Java handles, and JavaCPP by
     * default lets a process grow to twice the heap limit first (about 12 GB on a 24 GB machine).
     * Lower bounds make it collect early. Must run before the first ND4J class loads; a value given
     * with {@code -D} wins.
     */
    private static void boundNativeMemory() {
        if (System.getProperty("org.bytedeco.javacpp.maxbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxbytes", "3g");
        }
        if (System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxphysicalbytes", "6g");
        }
    }
}
