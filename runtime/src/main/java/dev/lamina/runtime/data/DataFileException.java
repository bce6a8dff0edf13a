package dev.lamina.runtime.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file is missing, truncated, corrupt or of the wrong kind. The message names the file, what
 * was expected and what was found, and how to fix it, so that a command-line tool can print
 * {@link #getMessage()} alone instead of a stack trace.
 */
public class DataFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Message: {@code "<file>: <problem>: expected <expected>, found <found>. Fix: <fix>"}.
     *
     * @param file     the offending file
     * @param problem  what is wrong, e.g. {@code "bad magic number"}
     * @param expected what the file should contain
     * @param found    what it contains instead
     * @param fix      what the user can do about it
     */
    public DataFileException(Path file, String problem, String expected, String found, String fix) {
        this(file, problem + ": expected " + expected + ", found " + found, fix, null);
    }

    /**
     * Message: {@code "<file>: <problem>. Fix: <fix>"}.
     *
     * @param file    the offending file
     * @param problem what is wrong
     * @param fix     what the user can do about it
     */
    public DataFileException(Path file, String problem, String fix) {
        this(file, problem, fix, null);
    }

    /**
     * Message: {@code "<file>: <problem>. Fix: <fix>"}, caused by {@code cause}.
     *
     * @param file    the offending file
     * @param problem what is wrong
     * @param fix     what the user can do about it
     * @param cause   the underlying failure, or null
     */
    public DataFileException(Path file, String problem, String fix, Throwable cause) {
        super(file + ": " + problem + ". Fix: " + fix, cause);
        this.file = file;
    }

    /** {@return the offending file (it may not exist)} */
    public Path file() {
        return file;
    }
}
