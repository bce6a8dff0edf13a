package dev.lamina.runtime.train;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The trainer's listener hooks, early stopping, per-epoch checkpoints and the console report's formats. */
class TrainingListenerTest {
    /** Two overlapping blobs in 2-D: a linear model gets most, not all, right. */
    private static Dataset blobs(int n, long seed) {
        Random random = new Random(seed);
        float[][] x = new float[n][2];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = random.nextInt(2);
            x[i][0] = (float) (classes[i] + 0.6 * random.nextGaussian());
            x[i][1] = (float) (0.6 * random.nextGaussian());
        }
        return Dataset.of(Nd4j.createFromArray(x), classes, 2);
    }

    /** Records every callback as a line. */
    private static final class Recorder implements TrainingListener {
        final List<String> events = new ArrayList<>();
        final List<BatchProgress> batches = new ArrayList<>();
        final List<EpochMetrics> epochs = new ArrayList<>();

        @Override
        public void onEpochStart(EpochStart s) {
            events.add("start " + s.epoch() + "/" + s.epochs() + " from " + s.firstBatch() + " of " + s.batchCount());
        }

        @Override
        public void onBatchEnd(BatchProgress p) {
            batches.add(p);
        }

        @Override
        public void onEpochEnd(EpochMetrics m, TrainingPosition position) {
            epochs.add(m);
            events.add("end " + m.epoch() + " at step " + position.step() + ", next epoch " + position.epoch());
        }
    }

    private static Trainer.Builder quietTrainer(SoftmaxRegression model, Optimizer optimizer) {
        return Trainer.builder(model, optimizer).batchSize(16).evalBatchSize(50).seed(5)
                .progress(TrainingListener.NONE);
    }

    @Test
    void listenersHearEveryEpochAndBatchInOrder() {
        SoftmaxRegression model = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        Recorder recorder = new Recorder();
        List<EpochMetrics> history = quietTrainer(model, new Sgd(0.3)).epochs(2).listener(recorder).build()
                .fit(blobs(100, 1), blobs(40, 2));

        // 100 examples in batches of 16: 7 batches, the last of 4.
        assertThat(recorder.events).containsExactly(
                "start 1/2 from 0 of 7", "end 1 at step 7, next epoch 1",
                "start 2/2 from 0 of 7", "end 2 at step 14, next epoch 2").inOrder();
        assertThat(recorder.epochs).isEqualTo(history);
        assertThat(recorder.batches).hasSize(14);
        TrainingListener.BatchProgress last = recorder.batches.get(6);
        assertThat(last.batch()).isEqualTo(7);
        assertThat(last.examples()).isEqualTo(100);
        assertThat(last.examplesHere()).isEqualTo(100);
        assertThat(last.batchesHere()).isEqualTo(7);
        assertThat(last.trainLoss()).isWithin(1e-12).of(history.get(0).trainLoss());
        assertThat(last.trainAccuracy()).isWithin(1e-12).of(history.get(0).trainAccuracy());
        assertThat(last.etaSeconds()).isEqualTo(0.0);
        assertThat(recorder.batches.get(0).etaSeconds()).isAtLeast(0.0);
    }

    @Test
    void trainAccuracyIsTheFractionOfTrainingOutputsWhoseArgMaxIsTheLabel() {
        // With a learning rate of 0 nothing changes during the epoch, and this model has no dropout, so
        // the running train accuracy equals the accuracy of an evaluation of the training set.
        SoftmaxRegression model = new SoftmaxRegression(2, 2, DataType.FLOAT, 3);
        Dataset train = blobs(100, 1);
        double expected = Evaluator.evaluate(model, train, 100).accuracy();
        List<EpochMetrics> history = quietTrainer(model, new Sgd(0.0)).build().fit(train, blobs(40, 2));
        assertThat(history.get(0).trainAccuracy()).isEqualTo(expected);
        assertThat(expected).isGreaterThan(0.0);
        assertThat(expected).isLessThan(1.0);
    }

    @Test
    void progressNoneSilencesTheTrainer() {
        SoftmaxRegression model = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Trainer.builder(model, new Sgd(0.1)).batchSize(16).out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .progress(TrainingListener.NONE).build().fit(blobs(50, 1), blobs(20, 2));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() {
        EarlyStopping stopping = new EarlyStopping(2, 0.01);
        double[] losses = {1.0, 0.8, 0.795, 0.9, 0.5};
        List<Boolean> stops = new ArrayList<>();
        for (int e = 0; e < losses.length; e++) {
            stops.add(stopping.observe(e + 1, losses[e]));
        }
        // 0.795 is not better than 0.8 by more than 0.01; 0.9 is worse: two epochs without improvement.
        assertThat(stops).containsExactly(false, false, false, true, true).inOrder();
        assertThat(stopping.bestEpoch()).isEqualTo(5);
        assertThat(stopping.reason().orElseThrow()).contains("stopped early after epoch 4");
        assertThat(stopping.reason().orElseThrow()).contains("for 2 epoch(s)");

        EarlyStopping nan = new EarlyStopping(1, 0);
        assertThat(nan.observe(1, 0.5)).isFalse();
        assertThat(nan.observe(2, Double.NaN)).isTrue();

        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, -0.1));
    }

    @Test
    void earlyStoppingEndsFitAfterTheEpochThatTriggersIt() {
        // Learning rate 0: the test loss never changes, so it improves once (from infinity) and then
        // not again; patience 2 stops the run after epoch 3 of 10.
        SoftmaxRegression model = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        EarlyStopping stopping = new EarlyStopping(2, 0);
        List<EpochMetrics> history = quietTrainer(model, new Sgd(0.0)).epochs(10).listener(stopping).build()
                .fit(blobs(50, 1), blobs(20, 2));
        assertThat(history).hasSize(3);
        assertThat(stopping.bestEpoch()).isEqualTo(1);
        assertThat(stopping.stopRequested()).isTrue();
    }

    @Test
    void epochCheckpointsHoldTheModelAtTheEndOfEachEpoch(@TempDir Path dir) throws Exception {
        SoftmaxRegression model = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        Sgd optimizer = new Sgd(0.3);
        EpochCheckpoints checkpoints = new EpochCheckpoints(model, optimizer, dir.resolve("run"));
        List<float[]> weights = new ArrayList<>();
        TrainingListener snapshot = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {
                weights.add(model.weight().dup().data().asFloat());
            }
        };
        quietTrainer(model, optimizer).epochs(2).listener(checkpoints).listener(snapshot).build()
                .fit(blobs(50, 1), blobs(20, 2));

        assertThat(checkpoints.written()).containsExactly(dir.resolve("run/checkpoint-epoch-1.lamina"),
                dir.resolve("run/checkpoint-epoch-2.lamina")).inOrder();
        for (int epoch = 1; epoch <= 2; epoch++) {
            Path file = EpochCheckpoints.fileFor(dir.resolve("run"), epoch);
            assertThat(Files.isRegularFile(file)).isTrue();
            Checkpoint checkpoint = CheckpointFile.read(file);
            assertThat(checkpoint.position().epoch()).isEqualTo(epoch);
            assertThat(checkpoint.position().batch()).isEqualTo(0);
            SoftmaxRegression fresh = new SoftmaxRegression(2, 2, DataType.FLOAT, 99);
            checkpoint.restoreModelInto(fresh, file);
            assertThat(fresh.weight().data().asFloat()).isEqualTo(weights.get(epoch - 1));
        }
    }

    @Test
    void durationsReadLikeAClock() {
        assertThat(ConsoleProgress.duration(0.4)).isEqualTo("0 s");
        assertThat(ConsoleProgress.duration(42)).isEqualTo("42 s");
        assertThat(ConsoleProgress.duration(185)).isEqualTo("3 min 05 s");
        assertThat(ConsoleProgress.duration(3725)).isEqualTo("1 h 02 min");
    }

    /** The lines a ConsoleProgress prints, not rewriting, for the first epoch of {@code batches} batches. */
    private static List<String> plainLinesOfAnEpoch(int epochs, int batches) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true,
                StandardCharsets.UTF_8), false);
        progress.onEpochStart(new TrainingListener.EpochStart(1, epochs, 0, batches, batches * 8, 8));
        for (int batch = 1; batch <= batches; batch++) {
            progress.onBatchEnd(new TrainingListener.BatchProgress(1, epochs, batch, batches, batch * 8L, 0.5, 0.5,
                    batch, batch * 8L, batch * 0.01));
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void plainProgressLinesExceptInManyShortEpochs() {
        // The README's houses run, 100 epochs of 10 batches: each epoch's line (onEpochEnd) reports it.
        assertThat(plainLinesOfAnEpoch(100, 10)).isEmpty();
        assertThat(plainLinesOfAnEpoch(ConsoleProgress.LINES_MAX_SHORT_EPOCHS + 1,
                ConsoleProgress.LINES_MIN_BATCHES - 1)).isEmpty();
        // A few short epochs still show their steps.
        assertThat(plainLinesOfAnEpoch(ConsoleProgress.LINES_MAX_SHORT_EPOCHS, 4)).hasSize(3);
        // MNIST's 938 batches of 64: about ten lines (every 93 batches, the last batch left to the epoch line).
        List<String> mnist = plainLinesOfAnEpoch(100, 938);
        assertThat(mnist).hasSize(10);
        assertThat(mnist.get(0)).contains("epoch 1/100   9% (batch 93/938)");
        assertThat(plainLinesOfAnEpoch(100, ConsoleProgress.LINES_MIN_BATCHES)).hasSize(9);
    }
}
