package dev.lamina.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code mvn -Ptrain package} runs inside Maven (through {@code exec:java}): the launcher just
 * built, {@code bin/lamina}, in a process of its own, and then Maven's exit with the launcher's exit
 * code. The launcher's own JVM gets the native thread settings that the JVM running Maven cannot
 * (the thread pools read them from the environment as they load); the exit code passes through,
 * so a failed command ends the build with its one {@code error: ...} line and its code (1, or 2 for
 * an invalid command line), without Maven's {@code BUILD FAILURE} report or the exec plugin's stack
 * trace.
 *
 * <p>Arguments: the launcher, the working directory of the command, and the command line as one
 * string ({@code -Dlamina.command}), split into words at whitespace.
 */
public final class RunLauncher {
    private RunLauncher() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 2) {
            System.err.println("error: usage: RunLauncher <launcher> <working directory> [command line]");
            System.exit(2);
        }
        String commandLine = args.length > 2 ? String.join(" ", Arrays.asList(args).subList(2, args.length)) : "";
        int code = run(Path.of(args[0]), Path.of(args[1]), words(commandLine));
        if (code != 0) {
            System.exit(code);  // Maven's JVM: ends the build with the command's code
        }
    }

    /** {@code commandLine} split at whitespace; none for a blank line. */
    static List<String> words(String commandLine) {
        String trimmed = commandLine.strip();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }

    /**
     * Runs {@code launcher} with {@code arguments} in {@code directory}, sharing this process's
     * standard streams, on this JVM's Java ({@code JAVA_HOME}), and returns its exit code.
     */
    static int run(Path launcher, Path directory, List<String> arguments) throws IOException, InterruptedException {
        if (!Files.isExecutable(launcher)) {
            System.err.println("error: no launcher at " + launcher + "; build it with `mvn -DskipTests package`");
            return 1;
        }
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(arguments);
        ProcessBuilder process = new ProcessBuilder(command).directory(directory.toFile()).inheritIO();
        process.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return process.start().waitFor();
    }
}
