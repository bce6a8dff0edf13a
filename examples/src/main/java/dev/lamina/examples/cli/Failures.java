package dev.lamina.examples.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns an exception into the one-line message a command prints after {@code error: }. */
final class Failures {
    private Failures() {}

    /**
     * The most helpful message in {@code e}'s cause chain: Lamina's own exceptions already name the
     * file, the problem and the fix; the JDK's file exceptions carry only a path, so they get a phrase.
     */
    static String describe(Throwable e) {
        Throwable t = e;
        // Wrappers whose own message adds nothing.
        while ((t instanceof UncheckedIOException || t.getClass() == RuntimeException.class)
                && t.getCause() != null && t.getMessage() != null
                && t.getMessage().endsWith(String.valueOf(t.getCause().getMessage()))) {
            t = t.getCause();
        }
        if (t instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (t instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (t instanceof NotDirectoryException f) {
            return "not a directory: " + f.getFile();
        }
        if (t instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory; try a smaller --batch-size";
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName() + (t.getCause() != null ? ": " + describe(t.getCause()) : "");
        }
        if (t instanceof UncheckedIOException && t.getCause() != null && t.getCause().getMessage() != null
                && !message.contains(t.getCause().getMessage())) {
            return message + ": " + t.getCause().getMessage();
        }
        return message;
    }
}
