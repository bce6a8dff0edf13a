package dev.lamina.examples.cli;

import dev.lamina.examples.models.MnistModels.Entry;
import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;

/** The model of a checkpoint written by {@code train}, with the checkpoint's parameters and buffers. */
record SavedModel(Model model, Entry entry, Checkpoint checkpoint) {
    /**
     * @param option {@code --model}: empty for the checkpoint's model, else the model it must be of
     * @throws IOException a {@code CheckpointException} naming the file when it is missing, corrupt,
     *     of a model the command line does not know, or of another model than {@code --model}
     */
    static SavedModel load(Path file, ModelOption option, CommandLine commandLine) throws IOException {
        option.check(commandLine);
        Checkpoint checkpoint = CheckpointFile.read(file);
        Entry entry = option.forCheckpoint(checkpoint, file, commandLine);
        Model model = entry.create(0);
        checkpoint.restoreModelInto(model, file);
        return new SavedModel(model, entry, checkpoint);
    }

    /** {@code epoch 3 of a run with seed 42}, for messages. */
    String describe() {
        return "after " + checkpoint.position().epoch() + " epoch(s), step " + checkpoint.position().step()
                + ", of a run with seed " + checkpoint.position().seed();
    }
}
