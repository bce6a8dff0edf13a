package dev.lamina.runtime.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests. */
final class IdxFiles {
    private IdxFiles() {}

    /** The bytes of an IDX file: magic, dims (big-endian), data. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        buffer.putInt(magic);
        for (int d : dims) {
            buffer.putInt(d);
        }
        buffer.put(data);
        return buffer.array();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code count} images of {@code rows x cols}; pixel j of image i is {@code (7 i + j) mod 256}. */
    static byte[] images(int count, int rows, int cols) {
        byte[] pixels = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < rows * cols; j++) {
                pixels[i * rows * cols + j] = (byte) (7 * i + j);
            }
        }
        return idx(IdxReader.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
    }

    /** Labels {@code i mod 10}. */
    static byte[] labels(int count) {
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 10);
        }
        return idx(IdxReader.LABELS_MAGIC, new int[] {count}, labels);
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the four MNIST files ({@code train} and {@code test} examples of 4x3 pixels) into {@code dir}. */
    static void writeTinyMnist(Path dir, int train, int test, boolean gzipped) {
        String suffix = gzipped ? ".gz" : "";
        write(dir.resolve(Mnist.TRAIN_IMAGES + suffix), maybeGzip(images(train, 4, 3), gzipped));
        write(dir.resolve(Mnist.TRAIN_LABELS + suffix), maybeGzip(labels(train), gzipped));
        write(dir.resolve(Mnist.TEST_IMAGES + suffix), maybeGzip(images(test, 4, 3), gzipped));
        write(dir.resolve(Mnist.TEST_LABELS + suffix), maybeGzip(labels(test), gzipped));
    }

    private static byte[] maybeGzip(byte[] bytes, boolean gzipped) {
        return gzipped ? gzip(bytes) : bytes;
    }
}
