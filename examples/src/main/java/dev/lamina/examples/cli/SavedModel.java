package dev.lamina.examples.cli;

import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import java.io.IOException;
import java.nio.file.Path;

/** The seed network with the parameters and buffers of a checkpoint written by {@code train}. */
record SavedModel(LaminaSeedNet model, Checkpoint checkpoint) {
    /**
     * @throws IOException a {@code CheckpointException} naming the file when it is missing, corrupt,
     *     or of another model
     */
    static SavedModel load(Path file) throws IOException {
        Checkpoint checkpoint = CheckpointFile.read(file);
        LaminaSeedNet model = LaminaSeedNet.create(0);
        checkpoint.restoreModelInto(model, file);
        return new SavedModel(model, checkpoint);
    }

    /** {@code epoch 3 of a run with seed 42}, for messages. */
    String describe() {
        return "after " + checkpoint.position().epoch() + " epoch(s), step " + checkpoint.position().step()
                + ", of a run with seed " + checkpoint.position().seed();
    }
}
