package dev.lamina.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file is missing, truncated, corrupt, of another format version, or does not fit the
 * model or optimizer it is restored into. The message names the file and, for a mismatch, what the
 * checkpoint holds and what the model expects.
 */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Message: {@code "<file>: <problem>"}.
     *
     * @param file    the checkpoint file concerned
     * @param problem what is wrong with it
     */
    public CheckpointException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * Message: {@code "<file>: <problem>"}, caused by {@code cause}.
     *
     * @param file    the checkpoint file concerned
     * @param problem what is wrong with it
     * @param cause   the underlying failure, or null
     */
    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** {@return the checkpoint file concerned} */
    public Path file() {
        return file;
    }
}
