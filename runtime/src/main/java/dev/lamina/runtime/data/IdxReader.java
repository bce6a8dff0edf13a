package dev.lamina.runtime.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads unsigned-byte IDX files, the format of the MNIST distribution (LeCun, Cortes and Burges,
 * "The MNIST database of handwritten digits", http://yann.lecun.com/exdb/mnist/), raw or gzipped.
 *
 * <p>Layout (big-endian): a 4-byte magic number {@code 0x0000TTDD} with element type {@code TT}
 * ({@code 0x08} = unsigned byte) and dimension count {@code DD}; {@code DD} 4-byte sizes; then the
 * elements in row-major order. A gzip file is recognised by its magic bytes {@code 1f 8b}, not its
 * name.
 *
 * <p>All failures are {@link DataFileException}s naming the file, the expected and the found value,
 * and the fix: a missing file, a wrong magic number, a header that promises more or fewer bytes than
 * the file holds, or a corrupt gzip stream.
 */
public final class IdxReader {
    /** Magic number of an unsigned-byte, 3-dimensional file: images {@code [N, rows, cols]}. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte, 1-dimensional file: labels {@code [N]}. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int UNSIGNED_BYTE = 0x08;
    private static final String FIX = "replace it with an intact copy of the IDX file (for MNIST: delete the "
            + "Lamina cache directory to download it again, or set LAMINA_MNIST_DIR to a directory with good copies)";

    private IdxReader() {}

    /**
     * The contents of an IDX file.
     *
     * @param file the file read
     * @param dims sizes from the header, outermost first ({@code [N, rows, cols]} for images)
     * @param data the elements, unsigned bytes in row-major order ({@code data[i] & 0xff})
     */
    public record IdxArray(Path file, int[] dims, byte[] data) {
        /**
         * Copies {@code dims}; {@code data} is kept as given.
         *
         * @param file the file read
         * @param dims sizes from the header, outermost first
         * @param data the elements, unsigned bytes in row-major order
         */
        public IdxArray {
            dims = dims.clone();
        }

        /** {@return a copy of the sizes from the header, outermost first} */
        @Override
        public int[] dims() {
            return dims.clone();
        }

        /** {@return the outermost size: the number of items} */
        public int count() {
            return dims[0];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IdxArray that
                    && file.equals(that.file)
                    && Arrays.equals(dims, that.dims)
                    && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * file.hashCode() + Arrays.hashCode(dims)) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "IdxArray[" + file + ", dims=" + Arrays.toString(dims) + "]";
        }
    }

    /**
     * Reads an images file ({@link #IMAGES_MAGIC}), raw or gzipped.
     *
     * @param file the file
     * @return its contents, dims {@code [N, rows, cols]}
     * @throws DataFileException if the file is missing or malformed (see {@link #read})
     * @throws IOException       on other read errors
     */
    public static IdxArray readImages(Path file) throws IOException {
        return read(file, IMAGES_MAGIC);
    }

    /**
     * Reads a labels file ({@link #LABELS_MAGIC}), raw or gzipped.
     *
     * @param file the file
     * @return its contents, dims {@code [N]}
     * @throws DataFileException if the file is missing or malformed (see {@link #read})
     * @throws IOException       on other read errors
     */
    public static IdxArray readLabels(Path file) throws IOException {
        return read(file, LABELS_MAGIC);
    }

    /**
     * Reads an unsigned-byte IDX file, raw or gzipped.
     *
     * @param file          the file
     * @param expectedMagic {@link #IMAGES_MAGIC}, {@link #LABELS_MAGIC} or another {@code 0x000008DD}
     * @return its contents
     * @throws IllegalArgumentException if {@code expectedMagic} is not that of an unsigned-byte file
     * @throws DataFileException if the file is missing, has another magic number, is shorter or longer
     *     than its header says, or is not a valid gzip stream
     * @throws IOException       on other read errors
     */
    public static IdxArray read(Path file, int expectedMagic) throws IOException {
        if (((expectedMagic >>> 8) & 0xffffff) != UNSIGNED_BYTE) {
            throw new IllegalArgumentException(String.format(
                    "only unsigned-byte IDX files are supported, expected magic 0x000008DD, found 0x%08x",
                    expectedMagic));
        }
        int dimCount = expectedMagic & 0xff;
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "file not found", "put the IDX file there or pass the right path", e);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            boolean gzipped = isGzip(raw);
            InputStream in = gzipped ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
            return readContents(file, gzipped, fileSize, in, expectedMagic, dimCount);
        } catch (ZipException | EOFException e) {
            // GZIPInputStream reports bad headers, bad CRCs and early ends this way.
            throw new DataFileException(file, "corrupt or truncated gzip data (" + e.getMessage() + ")", FIX, e);
        }
    }

    private static IdxArray readContents(Path file, boolean gzipped, long fileSize, InputStream in,
            int expectedMagic, int dimCount) throws IOException {
        String form = gzipped ? "decompressed " : "";
        long headerBytes = 4L + 4L * dimCount;
        byte[] magicBytes = in.readNBytes(4);
        int magic = magicBytes.length == 4 ? readInt(magicBytes, 0) : -1;
        if (magic != expectedMagic) {
            String found = magicBytes.length == 4
                    ? String.format("0x%08x (%s)", magic, describeMagic(magic))
                    : "a " + form + "file of " + magicBytes.length + " bytes";
            throw new DataFileException(file, "not an IDX file of the expected kind (wrong magic number)",
                    String.format("0x%08x (%s)", expectedMagic, describeMagic(expectedMagic)), found,
                    "pass a " + describeMagic(expectedMagic) + " file; check that images and labels files are not swapped");
        }
        byte[] header = in.readNBytes(4 * dimCount);
        if (header.length < 4 * dimCount) {
            throw new DataFileException(file, "truncated IDX header", "a " + form + "header of " + headerBytes
                    + " bytes", (4 + header.length) + " bytes", FIX);
        }
        int[] dims = new int[dimCount];
        long elements = 1;
        for (int d = 0; d < dimCount; d++) {
            long size = readInt(header, 4 * d) & 0xffffffffL;
            if (size > Integer.MAX_VALUE || (d > 0 && size == 0)) {
                throw new DataFileException(file, "implausible size of dimension " + d + " in the header",
                        d > 0 ? "1 .. " + Integer.MAX_VALUE : "0 .. " + Integer.MAX_VALUE, Long.toString(size), FIX);
            }
            dims[d] = (int) size;
            elements *= size;
            if (elements > Integer.MAX_VALUE - 8) {
                throw new DataFileException(file, "header dimensions " + Arrays.toString(Arrays.copyOf(dims, d + 1))
                        + " describe more elements than one array can hold", "at most " + (Integer.MAX_VALUE - 8),
                        Long.toString(elements), FIX);
            }
        }
        long expectedSize = headerBytes + elements;
        if (!gzipped && fileSize != expectedSize) {
            throw new DataFileException(file,
                    (fileSize < expectedSize ? "truncated: " : "longer than its header says: ")
                            + "header dimensions " + Arrays.toString(dims) + " need " + headerBytes + " + " + elements
                            + " bytes", expectedSize + " bytes", fileSize + " bytes", FIX);
        }
        byte[] data = in.readNBytes((int) elements);
        if (data.length < elements) {
            throw new DataFileException(file, "truncated: header dimensions " + Arrays.toString(dims) + " need "
                    + elements + " " + form + "data bytes", elements + " bytes", data.length + " bytes", FIX);
        }
        if (in.read() != -1) {
            throw new DataFileException(file, "longer than its header says: extra " + form + "bytes after the "
                    + elements + " data bytes of " + Arrays.toString(dims), "end of data", "more bytes", FIX);
        }
        return new IdxArray(file, dims, data);
    }

    /** Whether the stream starts with the gzip magic bytes {@code 1f 8b}; the stream is left unread. */
    static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    private static int readInt(byte[] b, int offset) {
        return ((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8)
                | (b[offset + 3] & 0xff);
    }

    private static String describeMagic(int magic) {
        if (magic == IMAGES_MAGIC) {
            return "IDX images, unsigned bytes, 3 dimensions";
        }
        if (magic == LABELS_MAGIC) {
            return "IDX labels, unsigned bytes, 1 dimension";
        }
        if ((magic >>> 16) == 0 && ((magic >>> 8) & 0xff) == UNSIGNED_BYTE) {
            return "IDX unsigned bytes, " + (magic & 0xff) + " dimensions";
        }
        if ((magic >>> 16) == 0) {
            return String.format("IDX with element type 0x%02x, %d dimensions", (magic >>> 8) & 0xff, magic & 0xff);
        }
        return "not an IDX file";
    }
}
