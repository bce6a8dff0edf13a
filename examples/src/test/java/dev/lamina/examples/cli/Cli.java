package dev.lamina.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs {@link LaminaCli} in-process and captures what it prints. */
final class Cli {
    final int exitCode;
    /** Everything the command printed: picocli's help and the command's own output. */
    final String out;
    final String err;

    private Cli(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code args}; {@code setUp} may configure the subcommand objects (test data, output stream). */
    static Cli run(Consumer<CommandLine> setUp, String... args) {
        CommandLine cli = LaminaCli.commandLine();
        StringWriter help = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(help, true));
        cli.setErr(new PrintWriter(err, true));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        cli.getSubcommands().values().forEach(sub -> {
            Object command = sub.getCommand();
            if (command instanceof TrainCommand t) {
                t.out = out;
            } else if (command instanceof EvaluateCommand e) {
                e.out = out;
            } else if (command instanceof PredictCommand p) {
                p.out = out;
            } else if (command instanceof SummaryCommand s) {
                s.out = out;
            }
        });
        setUp.accept(cli);
        int code = cli.execute(args);
        return new Cli(code, help + bytes.toString(StandardCharsets.UTF_8), err.toString());
    }

    static Cli run(String... args) {
        return run(cli -> {}, args);
    }

    static <T> T command(CommandLine cli, String name, Class<T> type) {
        return type.cast(cli.getSubcommands().get(name).getCommand());
    }
}
