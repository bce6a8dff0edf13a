package dev.lamina.runtime.checkpoint;

import dev.lamina.runtime.io.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads and writes {@link Checkpoint}s in Lamina's checkpoint format, version 2; reads version 1 too.
 * The format is plain data, read field by field: loading runs no code from the file (unlike Java
 * serialization), and every length is checked against the bytes that remain before anything is
 * allocated.
 *
 * <h2>Format, version 2</h2>
 * All integers and floats are little-endian; a <i>string</i> is a {@code u32} byte count and that
 * many bytes of UTF-8.
 * <pre>
 * offset  size  field
 * 0       8     magic: 89 4C 41 4D 0D 0A 1A 0A  ("\x89LAM\r\n\x1a\n"; catches text-mode transfers, as PNG's)
 * 8       4     u32 format version: 2
 * 12            string model class name        string optimizer class name
 *               i64 step      i32 epoch      i32 batch (of the epoch, already trained)
 *               i64 seed      i32 batch size i32 training examples
 *               f64 loss sum of the epoch so far   i64 examples of the epoch so far
 *               u32 metadata count, then that many pairs: string key, string value
 *               u32 tensor count, then that many tensors:
 *                 string name
 *                 u8  role: 1 parameter, 2 buffer, 3 optimizer state
 *                 u8  dtype: 1 FLOAT (f32), 2 DOUBLE (f64), 3 LONG (i64)
 *                 u8  rank, then rank x i64 sizes (rank 0 is a scalar of one element)
 *                 the elements in row-major (C) order
 * end-32  32    SHA-256 of every byte before it
 * </pre>
 * Version 1 is the same without the metadata (count and pairs); it reads as a checkpoint whose
 * metadata is empty. Keys are unique.
 * Tensors appear in the model's parameter order, then buffers, then optimizer state. Optimizer keys
 * are {@code <parameter>/<slot>} with PyTorch's slot names ({@code exp_avg}, {@code exp_avg_sq},
 * {@code step}, {@code momentum_buffer}).
 *
 * <h2>Atomic writes</h2>
 * {@link #write} goes through {@link AtomicFiles}: a temporary file in the same directory, forced to
 * the disk, renamed over {@code <file>} atomically, then the directory forced, so that a process
 * killed at any moment leaves either the previous checkpoint or the new one, never a torn file. A
 * writer killed mid-write can leave its temporary file {@code <file>.<random>.tmp} behind; nothing
 * reads it.
 */
public final class CheckpointFile {
    private CheckpointFile() {}

    /** The first 8 bytes of every checkpoint. */
    static final byte[] MAGIC = {(byte) 0x89, 'L', 'A', 'M', '\r', '\n', 0x1a, '\n'};
    /** The format version this class writes; it reads this one and {@link #FIRST_FORMAT_VERSION}. */
    public static final int FORMAT_VERSION = 2;
    /** The first format version, without metadata, which this class still reads. */
    public static final int FIRST_FORMAT_VERSION = 1;
    static final int ROLE_PARAMETER = 1;
    static final int ROLE_BUFFER = 2;
    static final int ROLE_OPTIMIZER = 3;
    private static final int DIGEST_BYTES = 32;
    private static final int MAX_NAME_BYTES = 1 << 16;
    private static final int MAX_RANK = 8;

    /**
     * Writes {@code checkpoint} to {@code file} atomically (see the class documentation).
     *
     * @param file       where the checkpoint goes; its directory is created if missing
     * @param checkpoint what to write
     * @throws IOException if the file cannot be written (the message names it); {@code file} then still
     *     holds its previous content
     * @throws IllegalArgumentException if a tensor is not FLOAT, DOUBLE or LONG, or a name or metadata
     *     text is longer than 65,536 bytes of UTF-8; {@code file} is then untouched too
     */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        AtomicFiles.write(file, out -> writeTo(out, checkpoint));
    }

    /**
     * The bytes {@link #write} would put in a file, in memory: to ship a checkpoint over the network
     * (a Spark broadcast, for example) without touching a disk.
     *
     * @param checkpoint what to encode
     * @return the file's bytes, magic number to checksum
     * @throws IllegalArgumentException if a tensor is not FLOAT, DOUBLE or LONG, or a text is too long (see {@link #write})
     */
    public static byte[] toBytes(Checkpoint checkpoint) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            writeTo(bytes, checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
        return bytes.toByteArray();
    }

    private static void writeTo(OutputStream out, Checkpoint checkpoint) throws IOException {
        MessageDigest sha = sha256();
        DigestOutputStream digesting = new DigestOutputStream(out, sha);
        digesting.write(MAGIC);
        writeBody(new LittleEndianWriter(digesting), checkpoint);
        digesting.flush();
        out.write(sha.digest());
    }

    /**
     * Decodes bytes made by {@link #toBytes} (or read from a checkpoint file), with every check of
     * {@link #read}.
     *
     * @param bytes  a whole checkpoint, magic number to checksum
     * @param source named in error messages as the origin of the bytes
     * @return the checkpoint they hold
     * @throws CheckpointException naming {@code source}, as {@link #read} does for a file
     */
    public static Checkpoint fromBytes(byte[] bytes, Path source) throws CheckpointException {
        try {
            return read(source, bytes.length, () -> new ByteArrayInputStream(bytes));
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
    }

    /**
     * Reads a checkpoint, verifying its magic number, version, checksum and structure.
     *
     * @param file a file written by {@link #write}
     * @return the checkpoint it holds
     * @throws CheckpointException naming the file if it is missing, a directory, not a checkpoint, of another
     *     version, corrupt (checksum), truncated or malformed, or if it holds values no healthy run
     *     writes: a NaN or infinite parameter, buffer or optimizer state element (naming the tensor),
     *     or a negative BatchNorm running variance
     */
    public static Checkpoint read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file, "is a directory, not a checkpoint file; pass one of the .lamina files"
                    + " a run writes, e.g. " + file.resolve("checkpoint-epoch-1.lamina"));
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "checkpoint file not found", e);
        }
        return read(file, size, () -> Files.newInputStream(file));
    }

    /** Opens the bytes of a checkpoint afresh: once to check the digest, once to decode. */
    private interface Source {
        InputStream open() throws IOException;
    }

    private static Checkpoint read(Path file, long size, Source source) throws IOException {
        if (size < MAGIC.length + 4 + DIGEST_BYTES) {
            throw new CheckpointException(file, "not a Lamina checkpoint: " + size + " bytes is shorter than the"
                    + " smallest checkpoint");
        }
        byte[] stored = new byte[DIGEST_BYTES];
        MessageDigest sha = sha256();
        try (InputStream in = source.open()) {
            byte[] head = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(head, MAGIC)) {
                throw new CheckpointException(file, "not a Lamina checkpoint: expected magic bytes "
                        + hex(MAGIC) + ", found " + hex(head));
            }
            sha.update(head);
            long remaining = size - MAGIC.length - DIGEST_BYTES;
            byte[] chunk = new byte[1 << 16];
            while (remaining > 0) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, remaining));
                if (n < 0) {
                    throw new CheckpointException(file, "file shrank while being read");
                }
                sha.update(chunk, 0, n);
                remaining -= n;
            }
            if (in.readNBytes(stored, 0, DIGEST_BYTES) != DIGEST_BYTES) {
                throw new CheckpointException(file, "file shrank while being read");
            }
        }
        byte[] actual = sha.digest();
        if (!MessageDigest.isEqual(actual, stored)) {
            throw new CheckpointException(file, "checksum mismatch: the file is corrupt or truncated (SHA-256 of the"
                    + " content is " + hex(actual) + ", the file records " + hex(stored) + ")");
        }
        try (InputStream in = source.open()) {
            in.skipNBytes(MAGIC.length);
            return readBody(new LittleEndianReader(in, size - MAGIC.length - DIGEST_BYTES), file);
        } catch (EOFException e) {
            throw new CheckpointException(file, "malformed checkpoint: the data ends inside a field", e);
        }
    }

    private static void writeBody(LittleEndianWriter out, Checkpoint c) throws IOException {
        out.i32(FORMAT_VERSION);
        out.string(c.model());
        out.string(c.optimizer());
        TrainingPosition p = c.position();
        out.i64(p.step());
        out.i32(p.epoch());
        out.i32(p.batch());
        out.i64(p.seed());
        out.i32(p.batchSize());
        out.i32(p.examples());
        out.f64(p.epochLossSum());
        out.i64(p.epochExamples());
        out.i32(c.metadata().size());
        for (var e : c.metadata().entrySet()) {
            out.string(e.getKey());
            out.string(e.getValue());
        }
        out.i32(c.parameters().size() + c.buffers().size() + c.optimizerState().size());
        for (var e : c.parameters().entrySet()) {
            writeTensor(out, e.getKey(), ROLE_PARAMETER, e.getValue());
        }
        for (var e : c.buffers().entrySet()) {
            writeTensor(out, e.getKey(), ROLE_BUFFER, e.getValue());
        }
        for (var e : c.optimizerState().entrySet()) {
            writeTensor(out, e.getKey(), ROLE_OPTIMIZER, e.getValue());
        }
    }

    private static void writeTensor(LittleEndianWriter out, String name, int role, INDArray tensor) throws IOException {
        INDArray c = tensor.dup('c');
        out.string(name);
        out.u8(role);
        out.u8(dtypeCode(name, c.dataType()));
        long[] shape = c.shape();
        out.u8(shape.length);
        for (long d : shape) {
            out.i64(d);
        }
        switch (c.dataType()) {
            case FLOAT -> out.floats(c.data().asFloat());
            case DOUBLE -> out.doubles(c.data().asDouble());
            default -> out.longs(c.data().asLong());
        }
    }

    private static Checkpoint readBody(LittleEndianReader in, Path file) throws IOException {
        int version = in.i32();
        if (version != FORMAT_VERSION && version != FIRST_FORMAT_VERSION) {
            throw new CheckpointException(file, "checkpoint format version " + Integer.toUnsignedString(version)
                    + " is not supported; this Lamina reads versions " + FIRST_FORMAT_VERSION + " and "
                    + FORMAT_VERSION);
        }
        String model = in.string(file);
        String optimizer = in.string(file);
        TrainingPosition position = new TrainingPosition(in.i64(), in.i32(), in.i32(), in.i64(), in.i32(), in.i32(),
                in.f64(), in.i64());
        Map<String, String> metadata = new LinkedHashMap<>();
        if (version >= 2) {
            long pairs = Integer.toUnsignedLong(in.i32());
            for (long i = 0; i < pairs; i++) {
                String key = in.string(file);
                if (metadata.put(key, in.string(file)) != null) {
                    throw new CheckpointException(file, "malformed checkpoint: metadata key " + key + " appears twice");
                }
            }
        }
        long count = Integer.toUnsignedLong(in.i32());
        Map<String, INDArray> parameters = new LinkedHashMap<>();
        Map<String, INDArray> buffers = new LinkedHashMap<>();
        Map<String, INDArray> state = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            String name = in.string(file);
            int role = in.u8();
            Map<String, INDArray> target = switch (role) {
                case ROLE_PARAMETER -> parameters;
                case ROLE_BUFFER -> buffers;
                case ROLE_OPTIMIZER -> state;
                default -> throw new CheckpointException(file, "malformed checkpoint: tensor " + name
                        + " has unknown role " + role);
            };
            INDArray tensor = readTensor(in, name, file);
            if (target.put(name, tensor) != null) {
                throw new CheckpointException(file, "malformed checkpoint: tensor " + name + " appears twice");
            }
        }
        if (in.remaining() != 0) {
            throw new CheckpointException(file, "malformed checkpoint: " + in.remaining()
                    + " bytes after the last tensor");
        }
        checkValues(file, position, parameters, buffers, state);
        return new Checkpoint(model, optimizer, position, parameters, buffers, state, metadata);
    }

    /**
     * Rejects what no healthy run writes but a valid checksum does not rule out (a run that diverged
     * and was saved anyway, or a file edited and re-hashed): NaN or infinite values in any tensor or in
     * the epoch's loss sum, and a negative BatchNorm running variance ({@code <layer>.running_var}),
     * whose square root inference takes. Such a model would give NaN, or finite but meaningless,
     * outputs.
     */
    private static void checkValues(Path file, TrainingPosition position, Map<String, INDArray> parameters,
            Map<String, INDArray> buffers, Map<String, INDArray> state) throws CheckpointException {
        String fix = "; the run that wrote it had diverged or the file was altered: use an earlier checkpoint of"
                + " the run, or train again";
        if (!Double.isFinite(position.epochLossSum())) {
            throw new CheckpointException(file, "the epoch's loss sum in the checkpoint is " + position.epochLossSum()
                    + fix);
        }
        for (Map<String, INDArray> tensors : List.of(parameters, buffers, state)) {
            String role = tensors == parameters ? "parameter" : tensors == buffers ? "buffer" : "optimizer state";
            for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
                INDArray t = e.getValue();
                if (t.dataType() == DataType.INT64 || t.length() == 0) {
                    continue;
                }
                double[] values = t.data().asDouble();
                boolean variance = tensors == buffers && e.getKey().endsWith("running_var");
                for (int i = 0; i < values.length; i++) {
                    if (!Double.isFinite(values[i])) {
                        throw new CheckpointException(file, role + " " + e.getKey() + " holds " + values[i]
                                + " (element " + i + " of " + values.length + ")" + fix);
                    }
                    if (variance && values[i] < 0) {
                        throw new CheckpointException(file, "buffer " + e.getKey() + " holds the negative running"
                                + " variance " + values[i] + " (element " + i + " of " + values.length + ")" + fix);
                    }
                }
            }
        }
    }

    private static INDArray readTensor(LittleEndianReader in, String name, Path file) throws IOException {
        int code = in.u8();
        DataType type = switch (code) {
            case 1 -> DataType.FLOAT;
            case 2 -> DataType.DOUBLE;
            case 3 -> DataType.INT64;
            default -> throw new CheckpointException(file, "malformed checkpoint: tensor " + name
                    + " has unknown data type code " + code);
        };
        int rank = in.u8();
        if (rank > MAX_RANK) {
            throw new CheckpointException(file, "malformed checkpoint: tensor " + name + " has rank " + rank
                    + ", more than " + MAX_RANK);
        }
        long[] shape = new long[rank];
        long elements = 1;
        int width = type == DataType.FLOAT ? 4 : 8;
        for (int d = 0; d < rank; d++) {
            shape[d] = in.i64();
            if (shape[d] < 0 || (shape[d] > 0 && elements > in.remaining() / width / shape[d])) {
                throw new CheckpointException(file, "malformed checkpoint: tensor " + name + " of shape "
                        + Arrays.toString(Arrays.copyOf(shape, d + 1)) + "... needs more bytes than the file holds");
            }
            elements *= shape[d];
        }
        int n = (int) elements; // fits: elements * width <= remaining bytes
        return switch (type) {
            case FLOAT -> Nd4j.create(in.floats(n), shape, 'c');
            case DOUBLE -> Nd4j.create(in.doubles(n), shape, 'c');
            default -> Nd4j.createFromArray(in.longs(n)).reshape('c', shape);
        };
    }

    private static int dtypeCode(String name, DataType type) {
        return switch (type) {
            case FLOAT -> 1;
            case DOUBLE -> 2;
            case LONG -> 3;
            default -> throw new IllegalArgumentException("checkpoints hold FLOAT, DOUBLE and LONG tensors; "
                    + name + " is " + type);
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }

    /** Little-endian primitives onto a stream. */
    private static final class LittleEndianWriter {
        private final OutputStream out;
        private final ByteBuffer scratch = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        LittleEndianWriter(OutputStream out) {
            this.out = out;
        }

        void u8(int v) throws IOException {
            out.write(v);
        }

        void i32(int v) throws IOException {
            scratch.clear();
            scratch.putInt(v);
            flush();
        }

        void i64(long v) throws IOException {
            scratch.clear();
            scratch.putLong(v);
            flush();
        }

        void f64(double v) throws IOException {
            scratch.clear();
            scratch.putDouble(v);
            flush();
        }

        void string(String s) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_NAME_BYTES) {
                throw new IllegalArgumentException("checkpoint names and metadata hold at most " + MAX_NAME_BYTES
                        + " bytes of UTF-8, found " + bytes.length + " bytes starting "
                        + s.substring(0, Math.min(40, s.length())));
            }
            i32(bytes.length);
            out.write(bytes);
        }

        void floats(float[] values) throws IOException {
            scratch.clear();
            for (float v : values) {
                if (scratch.remaining() < 4) {
                    flush();
                    scratch.clear();
                }
                scratch.putFloat(v);
            }
            flush();
        }

        void doubles(double[] values) throws IOException {
            scratch.clear();
            for (double v : values) {
                if (scratch.remaining() < 8) {
                    flush();
                    scratch.clear();
                }
                scratch.putDouble(v);
            }
            flush();
        }

        void longs(long[] values) throws IOException {
            scratch.clear();
            for (long v : values) {
                if (scratch.remaining() < 8) {
                    flush();
                    scratch.clear();
                }
                scratch.putLong(v);
            }
            flush();
        }

        private void flush() throws IOException {
            out.write(scratch.array(), 0, scratch.position());
        }
    }

    /** Little-endian primitives from a stream that holds {@code remaining} more bytes of body. */
    private static final class LittleEndianReader {
        private final InputStream in;
        private long remaining;

        LittleEndianReader(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        long remaining() {
            return remaining;
        }

        private ByteBuffer take(int n) throws IOException {
            if (n > remaining) {
                throw new EOFException();
            }
            byte[] bytes = in.readNBytes(n);
            if (bytes.length < n) {
                throw new EOFException();
            }
            remaining -= n;
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        int u8() throws IOException {
            return take(1).get() & 0xff;
        }

        int i32() throws IOException {
            return take(4).getInt();
        }

        long i64() throws IOException {
            return take(8).getLong();
        }

        double f64() throws IOException {
            return take(8).getDouble();
        }

        String string(Path file) throws IOException {
            long length = Integer.toUnsignedLong(i32());
            if (length > MAX_NAME_BYTES || length > remaining) {
                throw new CheckpointException(file, "malformed checkpoint: a name of " + length + " bytes");
            }
            ByteBuffer bytes = take((int) length);
            return new String(bytes.array(), StandardCharsets.UTF_8);
        }

        float[] floats(int n) throws IOException {
            float[] values = new float[n];
            take(4 * n).asFloatBuffer().get(values);
            return values;
        }

        double[] doubles(int n) throws IOException {
            double[] values = new double[n];
            take(8 * n).asDoubleBuffer().get(values);
            return values;
        }

        long[] longs(int n) throws IOException {
            long[] values = new long[n];
            take(8 * n).asLongBuffer().get(values);
            return values;
        }
    }
}
