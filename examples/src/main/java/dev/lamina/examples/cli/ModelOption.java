package dev.lamina.examples.cli;

import dev.lamina.examples.models.MnistModels;
import dev.lamina.examples.models.MnistModels.Entry;
import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointException;
import java.nio.file.Path;
import java.util.Iterator;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --model NAME}, shared by the commands that build or load a model. Include with
 * {@code @Mixin ModelOption model;}. Without {@code --model}, a command that reads a checkpoint uses
 * the checkpoint's model and the others the default (the seed network); with it, a checkpoint of
 * another model is an error that names both.
 */
final class ModelOption {
    /** The names of the built-in models, for picocli's {@code ${COMPLETION-CANDIDATES}}. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return MnistModels.builtIn().names().iterator();
        }
    }

    @Option(names = "--model", paramLabel = "NAME", completionCandidates = Names.class,
            description = "The network: ${COMPLETION-CANDIDATES} (default: seed, or with a checkpoint, the"
                    + " checkpoint's).")
    String name;

    /** The models {@code --model} chooses from; tests add others. */
    MnistModels models = MnistModels.builtIn();

    /** {@return what is wrong with {@code --model}, or null when it names a model or is not given} */
    String problem() {
        return name == null || models.byName(name).isPresent() ? null
                : "--model: unknown model '" + name + "'; choose one of: " + String.join(", ", models.names());
    }

    /**
     * Checks that {@code --model}, if given, names a model; commands call this before they read files.
     *
     * @throws ParameterException (exit code 2) naming the known models if there is no such model
     */
    void check(CommandLine commandLine) {
        String problem = problem();
        if (problem != null) {
            throw new ParameterException(commandLine, problem);
        }
    }

    /**
     * The model named by {@code --model}, or the default.
     *
     * @throws ParameterException (exit code 2) naming the known models if there is no such model
     */
    Entry resolve(CommandLine commandLine) {
        check(commandLine);
        return name == null ? models.defaultModel() : models.byName(name).orElseThrow();
    }

    /**
     * The model of {@code checkpoint}: the one it records, which must be {@code --model}'s when that is given.
     *
     * @param file where the checkpoint was read from, for messages
     * @throws ParameterException for an unknown {@code --model}
     * @throws CheckpointException when the checkpoint is of a model this command line does not know, or
     *     of another model than {@code --model}
     */
    Entry forCheckpoint(Checkpoint checkpoint, Path file, CommandLine commandLine) throws CheckpointException {
        Entry requested = name == null ? null : resolve(commandLine);
        Entry saved = models.byClassName(checkpoint.model()).orElse(null);
        if (saved == null) {
            StringBuilder known = new StringBuilder();
            for (Entry e : models.all()) {
                known.append(known.length() == 0 ? "" : ", ").append(e.describe());
            }
            throw new CheckpointException(file, "checkpoint is of model " + checkpoint.model()
                    + ", which is none of this command's models: " + known);
        }
        if (requested != null && requested != saved) {
            throw new CheckpointException(file, "checkpoint is of model " + saved.describe() + ", not of --model "
                    + requested.describe() + "; pass --model " + saved.name() + " or leave --model out");
        }
        return saved;
    }
}
