package dev.lamina.examples.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The examples' command line: {@code lamina train|evaluate|predict|summary}. Run it with the
 * launcher that {@code mvn package} builds, {@code examples/target/lamina/bin/lamina train --epochs 3},
 * or inside Maven with {@code mvn -pl examples -am package exec:java -Dlamina.command="train --epochs 3"}.
 * Errors print one line, {@code error: <what went wrong and how to fix it>}, and exit with a
 * non-zero code; never a stack trace.
 */
@Command(name = "lamina", mixinStandardHelpOptions = true, version = "Lamina 0.1.0",
        description = {"Train, evaluate and inspect Lamina's seed network (or, with --model resnet or",
                "--model vit, a small ResNet or Vision Transformer) on MNIST, and classify your",
                "own images of digits.",
                "",
                "Start with `train` (an epoch over all 60,000 images takes minutes on a",
                "laptop). It writes metrics.csv, curves.png and a checkpoint per epoch to",
                "runs/<date>-<time>/. Then `evaluate` or `predict` with a checkpoint.",
                "`lamina help <command>` or `lamina <command> --help` explains a command."},
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                StudyCommand.class, CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true,
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the command failed (the message on stderr says why)",
                "2:invalid command line (the message and usage say what is wrong)"})
public final class LaminaCli {
    private LaminaCli() {}

    public static void main(String[] args) {
        boundNativeMemory();
        // exec:java passes the whole -Dlamina.command value as one argument; split it into words.
        String[] words = args.length == 1 ? args[0].trim().split("\\s+") : args;
        int code = commandLine().execute(words);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The command line with all subcommands, printing failures as {@code error: <message>} lines. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LaminaCli());
        cli.setExecutionExceptionHandler(LaminaCli::reportFailure);
        cli.setCaseInsensitiveEnumValuesAllowed(true);  // --optimizer adam as well as ADAM
        cli.setParameterExceptionHandler(LaminaCli::reportUsageError);
        return cli;
    }

    /** An invalid command line: the problem, and where to read how to do it right (not the whole usage). */
    private static int reportUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Usage: " + cli.getHelp().synopsis("Usage: ".length()).stripTrailing());
        err.println("See '" + cli.getCommandSpec().qualifiedName() + " --help' for what each option means.");
        err.flush();
        return cli.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Prints a failed command's message without a stack trace, for a user rather than a developer. */
    private static int reportFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        err.println("error: " + Failures.describe(e));
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
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
