package dev.lamina.runtime.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically: the new content is written to a temporary file in the target's
 * directory, forced to the storage device, and then renamed over the target, so that anyone who
 * opens the target (another process, or this program after a crash) finds either its previous
 * content or the complete new content, never a partial file.
 *
 * <p>What a successful call guarantees:
 * <ul>
 *   <li>the target's directory exists (it is created with its parents if missing);
 *   <li>the target holds exactly the bytes written, forced to the device ({@link FileChannel#force})
 *       before the rename, and the directory is forced after it where the platform allows;
 *   <li>the temporary file is gone.
 * </ul>
 * When a call fails, the target still holds its previous content (or is still absent) and the
 * temporary file has been deleted. Only a process killed during the call (SIGKILL, power loss) can
 * leave its temporary file, {@code <target name>.<random>.tmp}, behind; nothing reads such a file,
 * and it may be deleted.
 *
 * <p>The temporary file has a name of its own per call, created exclusively, so concurrent writers
 * of the same target never share one: the last rename wins and each result is whole. It is created
 * like an ordinary new file (permissions from the process's umask), not owner-only as
 * {@link Files#createTempFile(Path, String, String, java.nio.file.attribute.FileAttribute...)} makes
 * it. The rename uses {@link StandardCopyOption#ATOMIC_MOVE}; on a file system that cannot rename
 * atomically ({@link AtomicMoveNotSupportedException}), it falls back to a replacing move, which is
 * not atomic.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the new content of a file; see {@link AtomicFiles#write(Path, Content)}. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole new content to {@code out}. Throwing abandons the write: the target keeps
         * its previous content.
         *
         * @param out a buffered stream onto the temporary file; closing it only flushes it
         * @throws IOException to abandon the write; also what {@code out} throws when the file
         *     cannot be written, with a message that names the target
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code target} with the bytes that {@code content} writes, atomically (see the class
     * documentation).
     *
     * @param target  the file to create or replace
     * @param content writes the new content
     * @throws IOException if the directory or the temporary file cannot be created, written, forced or
     *     renamed over the target (the message names the target and the cause is the underlying
     *     error); or whatever {@code content} throws, unchanged. In every case the target is
     *     untouched and the temporary file deleted.
     * @throws IllegalArgumentException if {@code target} names no file (a root directory)
     */
    public static void write(Path target, Content content) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(content, "content");
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (dir == null) {
            throw new IllegalArgumentException("not a file: " + target);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failure(target, "cannot create its directory", e);
        }
        Path temp = null;
        FileChannel channel = null;
        while (channel == null) {
            temp = dir.resolve(file.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(),
                    36) + ".tmp");
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                // another writer's name: draw again
            } catch (IOException e) {
                throw failure(target, "cannot create a temporary file beside it", e);
            }
        }
        try {
            TargetStream out = new TargetStream(Channels.newOutputStream(channel), target);
            content.writeTo(out);
            out.flush();
            try {
                channel.force(true);
                channel.close();
            } catch (IOException e) {
                throw failure(target, "cannot write it", e);
            }
            move(temp, file, target);
        } catch (Throwable t) {
            abandon(channel, temp, t);
            throw t;
        }
        forceDirectory(dir);
    }

    /**
     * Replaces {@code target} with {@code text} in UTF-8, atomically; as {@link #write(Path, Content)}.
     *
     * @param target the file to create or replace
     * @param text   the new content
     * @throws IOException if the file cannot be written; the message names the target, which is then
     *     untouched, and the temporary file is deleted
     * @throws IllegalArgumentException if {@code target} names no file (a root directory)
     */
    public static void writeString(Path target, CharSequence text) throws IOException {
        Objects.requireNonNull(text, "text");
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    private static void move(Path temp, Path file, Path target) throws IOException {
        try {
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw failure(target, "cannot rename the temporary file " + temp.getFileName() + " over it", e);
        }
    }

    /** Closes and deletes the temporary file after a failure; problems doing so join {@code failure}. */
    private static void abandon(FileChannel channel, Path temp, Throwable failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Makes the rename durable; not every platform can open a directory, which then keeps the default. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open directories; its rename is durable with the file's own flush.
        }
    }

    private static IOException failure(Path target, String what, IOException cause) {
        return new IOException(target + ": " + what + " (" + cause + ")", cause);
    }

    /** The buffered stream handed to {@link Content}: its errors name the target; close only flushes. */
    private static final class TargetStream extends FilterOutputStream {
        private final Path target;

        TargetStream(OutputStream out, Path target) {
            super(new BufferedOutputStream(out, 1 << 16));
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw failure(target, "cannot write it", e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw failure(target, "cannot write it", e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw failure(target, "cannot write it", e);
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
