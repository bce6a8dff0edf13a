package dev.lamina.runtime.checkpoint;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.AdamW;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointFileTest {
    @TempDir
    Path dir;

    /** A model after two Adam steps, so that every kind of state is non-trivial. */
    private static TinyMlp trainedModel(Optimizer optimizer) {
        TinyMlp model = new TinyMlp(4, 8, 3, 5);
        INDArray x = TrainingChild.blobs(10, 1).features();
        for (int step = 0; step < 2; step++) {
            model.zeroGrad();
            model.seedDropout(step);
            INDArray out = model.forward(x, true);
            model.backward(out.ulike().assign(0.1));
            optimizer.step(model.parameters());
        }
        return model;
    }

    private static final TrainingPosition POSITION = new TrainingPosition(17, 1, 7, 11, 10, 95, 12.5, 70);

    private Path written() throws Exception {
        Adam adam = new Adam(0.01);
        TinyMlp model = trainedModel(adam);
        Path file = dir.resolve("run.ckpt");
        CheckpointFile.write(file, Checkpoint.capture(model, adam, POSITION));
        return file;
    }

    @Test
    void roundTripsEveryTensorBitForBitAndThePosition() throws Exception {
        Adam adam = new Adam(0.01);
        TinyMlp model = trainedModel(adam);
        Checkpoint original = Checkpoint.capture(model, adam, POSITION);
        Path file = dir.resolve("run.ckpt");

        CheckpointFile.write(file, original);
        Checkpoint read = CheckpointFile.read(file);

        assertThat(read.model()).isEqualTo(TinyMlp.class.getName());
        assertThat(read.optimizer()).isEqualTo(Adam.class.getName());
        assertThat(read.position()).isEqualTo(POSITION);
        assertThat(read.parameters().keySet()).containsExactly("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")
                .inOrder();
        assertThat(read.parameters()).isEqualTo(original.parameters());
        assertThat(read.buffers()).isEqualTo(original.buffers());
        assertThat(read.optimizerState().keySet()).containsAtLeast("fc1.weight/exp_avg", "fc1.weight/exp_avg_sq",
                "fc1.weight/step");
        assertThat(read.optimizerState().get("fc1.weight/step").getLong(0)).isEqualTo(2L);
        assertThat(read.optimizerState()).isEqualTo(original.optimizerState());
        assertThat(filesIn(dir)).containsExactly("run.ckpt");
        assertThat(Arrays.copyOf(Files.readAllBytes(file), 8)).isEqualTo(CheckpointFile.MAGIC);
    }

    @Test
    void doublesAndLongsRoundTrip() throws Exception {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("d", Nd4j.createFromArray(new double[][] {{1e-300, -0.0}, {Double.MAX_VALUE, Math.PI}}));
        tensors.put("l", Nd4j.createFromArray(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}));
        tensors.put("scalar", Nd4j.scalar(DataType.INT64, 42L));
        Checkpoint c = new Checkpoint("m", "o", POSITION, tensors, Map.of(), Map.of());
        Path file = dir.resolve("types.ckpt");

        CheckpointFile.write(file, c);
        Checkpoint read = CheckpointFile.read(file);

        assertThat(read.parameters().get("d").toDoubleMatrix()).isEqualTo(tensors.get("d").toDoubleMatrix());
        assertThat(read.parameters().get("l").toLongVector()).isEqualTo(tensors.get("l").toLongVector());
        assertThat(read.parameters().get("scalar").rank()).isEqualTo(0);
        assertThat(read.parameters().get("scalar").getLong(0)).isEqualTo(42L);
    }

    @Test
    void anyFlippedByteIsACorruptFileNamingIt() throws Exception {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        for (int offset : new int[] {8, 40, bytes.length / 2, bytes.length - 40, bytes.length - 1}) {
            byte[] corrupt = bytes.clone();
            corrupt[offset] ^= 0x10;
            Path bad = dir.resolve("bad-" + offset + ".ckpt");
            Files.write(bad, corrupt);

            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(bad));

            assertThat(e).hasMessageThat().startsWith(bad.toString());
            assertThat(e).hasMessageThat().contains("checksum mismatch");
            assertThat(e.file()).isEqualTo(bad);
        }
    }

    @Test
    void bytesInMemoryAreTheFileAndDecodeWithTheSameChecks() throws Exception {
        Path file = written();
        byte[] onDisk = Files.readAllBytes(file);
        Checkpoint fromFile = CheckpointFile.read(file);

        byte[] inMemory = CheckpointFile.toBytes(fromFile);
        Checkpoint decoded = CheckpointFile.fromBytes(inMemory, Path.of("broadcast"));

        assertThat(inMemory).isEqualTo(onDisk);
        assertThat(decoded.position()).isEqualTo(fromFile.position());
        assertThat(decoded.parameters().keySet()).containsExactlyElementsIn(fromFile.parameters().keySet()).inOrder();
        byte[] corrupt = inMemory.clone();
        corrupt[inMemory.length / 2] ^= 0x10;
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointFile.fromBytes(corrupt, Path.of("broadcast")));
        assertThat(e).hasMessageThat().startsWith("broadcast");
        assertThat(e).hasMessageThat().contains("checksum mismatch");
    }

    @Test
    void truncatedFileIsAnError() throws Exception {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        for (int length : new int[] {0, 5, 30, bytes.length / 2, bytes.length - 1}) {
            Path cut = dir.resolve("cut-" + length + ".ckpt");
            Files.write(cut, Arrays.copyOf(bytes, length));

            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(cut));

            assertThat(e).hasMessageThat().startsWith(cut.toString());
            assertThat(e).hasMessageThat().containsMatch("shorter than the smallest checkpoint|checksum mismatch");
        }
    }

    @Test
    void otherFilesAreNotCheckpoints() throws Exception {
        Path text = dir.resolve("notes.ckpt");
        Files.writeString(text, "these are not the weights you are looking for, but long enough to read", StandardCharsets.UTF_8);
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
            out.writeObject(new LinkedHashMap<>(Map.of("weights", new float[64])));
        }
        Path javaSerialized = dir.resolve("serialized.ckpt");
        Files.write(javaSerialized, serialized.toByteArray());

        for (Path file : new Path[] {text, javaSerialized}) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));
            assertThat(e).hasMessageThat().contains("not a Lamina checkpoint: expected magic bytes 894c414d0d0a1a0a");
        }
        CheckpointException missing = assertThrows(CheckpointException.class,
                () -> CheckpointFile.read(dir.resolve("absent.ckpt")));
        assertThat(missing).hasMessageThat().contains("absent.ckpt: checkpoint file not found");
    }

    @Test
    void newerFormatVersionIsRefusedByName() throws Exception {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(3);
        rewriteChecksum(bytes);
        Files.write(file, bytes);

        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));

        assertThat(e).hasMessageThat().contains("checkpoint format version 3 is not supported; this Lamina reads"
                + " versions 1 and 2");
    }

    @Test
    void metadataRoundTripsInOrder() throws Exception {
        Adam adam = new Adam(0.01);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("run.id", "3f0c2a4e-run");
        metadata.put("test.examples", "500");
        metadata.put("note", "\u00e9t\u00e9, empty next");
        metadata.put("empty", "");
        Checkpoint original = Checkpoint.capture(trainedModel(adam), adam, POSITION).withMetadata(metadata);
        Path file = dir.resolve("run.ckpt");

        CheckpointFile.write(file, original);
        Checkpoint read = CheckpointFile.read(file);

        assertThat(read.metadata()).containsExactlyEntriesIn(metadata).inOrder();
        assertThat(read.position()).isEqualTo(POSITION);
        assertThat(read.parameters()).isEqualTo(original.parameters());
        assertThat(ByteBuffer.wrap(Files.readAllBytes(file), 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                .isEqualTo(CheckpointFile.FORMAT_VERSION);
    }

    @Test
    void metadataTooLongForTheFormatIsRefusedBeforeWriting() throws Exception {
        Adam adam = new Adam(0.01);
        Checkpoint c = Checkpoint.capture(trainedModel(adam), adam, POSITION)
                .withMetadata(Map.of("long", "x".repeat((1 << 16) + 1)));
        Path file = dir.resolve("run.ckpt");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CheckpointFile.write(file, c));

        assertThat(e).hasMessageThat().contains("at most 65536 bytes of UTF-8, found 65537 bytes");
        assertThat(filesIn(dir)).isEmpty();
    }

    /**
     * {@code v1-tiny-mlp.lamina} was written by the version-1 writer (commit f5e939a): a TinyMlp(4, 3, 3,
     * seed 5) after one Adam step at position (step 3, epoch 1, batch 0, seed 42, batch size 2, 4
     * examples). It must stay loadable, with empty metadata.
     */
    @Test
    void versionOneFileStillReadsWithEmptyMetadata() throws Exception {
        Path file = dir.resolve("v1.lamina");
        try (var in = CheckpointFileTest.class.getResourceAsStream("v1-tiny-mlp.lamina")) {
            Files.write(file, in.readAllBytes());
        }
        assertThat(ByteBuffer.wrap(Files.readAllBytes(file), 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                .isEqualTo(1);

        Checkpoint read = CheckpointFile.read(file);

        assertThat(read.metadata()).isEmpty();
        assertThat(read.model()).isEqualTo(TinyMlp.class.getName());
        assertThat(read.optimizer()).isEqualTo(Adam.class.getName());
        assertThat(read.position()).isEqualTo(new TrainingPosition(3, 1, 0, 42, 2, 4, 0, 0));
        assertThat(read.optimizerState().get("fc1.weight/step").getLong(0)).isEqualTo(1L);
        // It restores into the model it was taken from, and writes back as version 2 holding the same tensors.
        TinyMlp model = new TinyMlp(4, 3, 3, 6);
        Adam adam = new Adam(0.01);
        read.restoreInto(model, adam, file);
        assertThat(model.parameters().get(0).value()).isEqualTo(read.parameters().get("fc1.weight"));
        Path again = dir.resolve("v2.lamina");
        CheckpointFile.write(again, Checkpoint.capture(model, adam, read.position()));
        Checkpoint reread = CheckpointFile.read(again);
        assertThat(reread.parameters()).isEqualTo(read.parameters());
        assertThat(reread.optimizerState()).isEqualTo(read.optimizerState());
    }

    @Test
    void lengthsBeyondTheFileAreRejectedBeforeAllocating() throws Exception {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        // The model name's length field, right after magic and version: claim 2 GB.
        ByteBuffer.wrap(bytes, 12, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE);
        rewriteChecksum(bytes);
        Files.write(file, bytes);

        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));

        assertThat(e).hasMessageThat().contains("malformed checkpoint: a name of 2147483647 bytes");
    }

    @Test
    void temporaryFileLeftByAKilledWriterDoesNotDisturbTheNextWrite() throws Exception {
        Files.writeString(dir.resolve("run.ckpt.tmp"), "half a checkpoint");

        Path file = written();

        assertThat(CheckpointFile.read(file).position()).isEqualTo(POSITION);
        assertThat(filesIn(dir)).containsExactly("run.ckpt", "run.ckpt.tmp");
    }

    @Test
    void aFailedWriteKeepsThePreviousCheckpointAndLeavesNoTemporaryFile() throws Exception {
        Path file = written();
        byte[] before = Files.readAllBytes(file);
        Checkpoint unsupported = new Checkpoint("m", "o", POSITION,
                Map.of("half", Nd4j.zeros(DataType.FLOAT16, 2)), Map.of(), Map.of());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointFile.write(file, unsupported));

        assertThat(e).hasMessageThat().contains("half is HALF");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(filesIn(dir)).containsExactly("run.ckpt");
    }

    private static List<String> filesIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void restoresIntoAFreshModelAndOptimizer() throws Exception {
        Adam adam = new Adam(0.01);
        TinyMlp trained = trainedModel(adam);
        Path file = dir.resolve("run.ckpt");
        CheckpointFile.write(file, Checkpoint.capture(trained, adam, POSITION));
        TinyMlp fresh = new TinyMlp(4, 8, 3, 99);
        Adam freshAdam = new Adam(0.01);

        CheckpointFile.read(file).restoreInto(fresh, freshAdam, file);

        for (int i = 0; i < 4; i++) {
            assertThat(fresh.parameters().get(i).value()).isEqualTo(trained.parameters().get(i).value());
        }
        assertThat(fresh.buffers()).isEqualTo(trained.buffers());
        assertThat(freshAdam.state(fresh.parameters())).isEqualTo(adam.state(trained.parameters()));
    }

    @Test
    void adamWStateGoesThroughAFileAndAnAdamCheckpointIsNotAdamWs() throws Exception {
        AdamW adamW = new AdamW(0.01);
        TinyMlp trained = trainedModel(adamW);
        Path file = dir.resolve("adamw.ckpt");
        CheckpointFile.write(file, Checkpoint.capture(trained, adamW, POSITION));
        TinyMlp fresh = new TinyMlp(4, 8, 3, 99);
        AdamW freshAdamW = new AdamW(0.01);

        Checkpoint read = CheckpointFile.read(file);
        assertThat(read.optimizer()).isEqualTo(AdamW.class.getName());
        read.restoreInto(fresh, freshAdamW, file);

        assertThat(freshAdamW.state(fresh.parameters())).isEqualTo(adamW.state(trained.parameters()));
        assertThat(freshAdamW.state(fresh.parameters())).containsKey("fc1.weight/exp_avg_sq");
        Path adamFile = written();
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointFile.read(adamFile).restoreInto(fresh, new AdamW(0.01), adamFile));
        assertThat(e).hasMessageThat().contains("checkpoint holds the state of optimizer " + Adam.class.getName()
                + ", not of " + AdamW.class.getName());
    }

    @Test
    void checkpointOfAnotherShapeIsRejectedNamingBothShapesAndChangesNothing() throws Exception {
        Path file = written();
        TinyMlp wider = new TinyMlp(4, 16, 3, 5);
        INDArray before = wider.parameters().get(0).value().dup();

        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointFile.read(file).restoreInto(wider, new Adam(0.01), file));

        assertThat(e).hasMessageThat().startsWith(file.toString());
        assertThat(e).hasMessageThat().contains("parameter fc1.weight is FLOAT [4, 8] in the checkpoint but FLOAT [4, 16]"
                + " in the model");
        assertThat(e).hasMessageThat().contains("buffer fc1.running_mean is FLOAT [8] in the checkpoint but FLOAT [16]");
        assertThat(wider.parameters().get(0).value()).isEqualTo(before);
    }

    @Test
    void checkpointOfAnotherModelOrOptimizerIsRejected() throws Exception {
        Path file = written();
        Checkpoint c = CheckpointFile.read(file);
        Checkpoint otherModel = new Checkpoint("test.LaminaSeedNet", c.optimizer(), c.position(), c.parameters(),
                c.buffers(), c.optimizerState());

        CheckpointException model = assertThrows(CheckpointException.class,
                () -> otherModel.restoreInto(new TinyMlp(4, 8, 3, 5), new Adam(0.01), file));
        CheckpointException optimizer = assertThrows(CheckpointException.class,
                () -> c.restoreInto(new TinyMlp(4, 8, 3, 5), new Sgd(0.1), file));

        assertThat(model).hasMessageThat().contains("checkpoint is of model test.LaminaSeedNet, not of "
                + TinyMlp.class.getName());
        assertThat(optimizer).hasMessageThat().contains("checkpoint holds the state of optimizer "
                + Adam.class.getName() + ", not of " + Sgd.class.getName());
    }

    /** A checkpoint with one edited tensor, written with a valid checksum as a forged or diverged file has. */
    private Path forged(String role, String name, INDArray value, TrainingPosition position) throws Exception {
        Map<String, INDArray> parameters = new LinkedHashMap<>();
        parameters.put("fc.weight", Nd4j.createFromArray(new float[][] {{0.5f, -0.25f}, {1f, 2f}}));
        Map<String, INDArray> buffers = new LinkedHashMap<>();
        buffers.put("bn.running_mean", Nd4j.createFromArray(-1f, 3f));
        buffers.put("bn.running_var", Nd4j.createFromArray(0f, 2f));
        Map<String, INDArray> state = new LinkedHashMap<>();
        state.put("fc.weight/exp_avg_sq", Nd4j.createFromArray(new double[][] {{0, 1e-8}, {1, 2}}));
        state.put("fc.weight/step", Nd4j.scalar(DataType.INT64, 3L));
        Map<String, INDArray> target = switch (role) {
            case "parameter" -> parameters;
            case "buffer" -> buffers;
            default -> state;
        };
        if (name != null) {
            target.put(name, value);
        }
        Path file = dir.resolve("forged-" + role + ".lamina");
        CheckpointFile.write(file, new Checkpoint("m", "o", position, parameters, buffers, state));
        return file;
    }

    @Test
    void healthyValuesIncludingANegativeRunningMeanAndZeroVarianceLoad() throws Exception {
        Path file = forged("buffer", null, null, POSITION);

        assertThat(CheckpointFile.read(file).buffers().get("bn.running_mean").getFloat(0)).isEqualTo(-1f);
    }

    @Test
    void nonFiniteTensorsWithAValidChecksumAreRejectedNamingTheFileAndTheTensor() throws Exception {
        Path nan = forged("parameter", "fc.weight", Nd4j.createFromArray(new float[][] {{0.5f, 1f}, {Float.NaN, 2f}}),
                POSITION);
        Path inf = forged("optimizer", "fc.weight/exp_avg_sq",
                Nd4j.createFromArray(new double[][] {{0, Double.POSITIVE_INFINITY}, {1, 2}}), POSITION);
        Path mean = forged("buffer", "bn.running_mean", Nd4j.createFromArray(Float.NEGATIVE_INFINITY, 0f), POSITION);

        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(nan));
        assertThat(e.file()).isEqualTo(nan);
        assertThat(e).hasMessageThat().isEqualTo(nan + ": parameter fc.weight holds NaN (element 2 of 4); the run"
                + " that wrote it had diverged or the file was altered: use an earlier checkpoint of the run, or train"
                + " again");
        assertThat(assertThrows(CheckpointException.class, () -> CheckpointFile.read(inf))).hasMessageThat()
                .startsWith(inf + ": optimizer state fc.weight/exp_avg_sq holds Infinity (element 1 of 4);");
        assertThat(assertThrows(CheckpointException.class, () -> CheckpointFile.read(mean))).hasMessageThat()
                .startsWith(mean + ": buffer bn.running_mean holds -Infinity (element 0 of 2);");
    }

    @Test
    void aNegativeRunningVarianceIsRejectedNamingTheBuffer() throws Exception {
        Path file = forged("buffer", "bn.running_var", Nd4j.createFromArray(1f, -0.5f), POSITION);

        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));

        assertThat(e).hasMessageThat().startsWith(file + ": buffer bn.running_var holds the negative running variance"
                + " -0.5 (element 1 of 2); ");
        assertThat(e).hasMessageThat().contains("use an earlier checkpoint of the run");
    }

    @Test
    void aNonFiniteLossSumInThePositionIsRejected() throws Exception {
        Path file = forged("parameter", null, null, new TrainingPosition(17, 1, 7, 11, 10, 95, Double.NaN, 70));

        assertThat(assertThrows(CheckpointException.class, () -> CheckpointFile.read(file))).hasMessageThat()
                .startsWith(file + ": the epoch's loss sum in the checkpoint is NaN;");
    }

    /** Recomputes the trailing SHA-256 after a deliberate edit, to reach the checks behind it. */
    private static void rewriteChecksum(byte[] bytes) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(bytes, 0, bytes.length - 32);
        System.arraycopy(sha.digest(), 0, bytes, bytes.length - 32, 32);
    }
}
