package dev.lamina.runtime.train;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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

class TrainerTest {
    private static final double[][] CENTRES = {{0.2, 0.2}, {0.8, 0.3}, {0.5, 0.85}};

    /** Three well separated blobs in [0, 1]^2, {@code n} points, features [n, 2] FLOAT. */
    private static Dataset blobs(int n, long seed) {
        Random random = new Random(seed);
        float[][] features = new float[n][2];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = random.nextInt(3);
            for (int d = 0; d < 2; d++) {
                features[i][d] = (float) (CENTRES[classes[i]][d] + 0.24 * (random.nextDouble() - 0.5));
            }
        }
        return Dataset.of(Nd4j.createFromArray(features), classes, 3);
    }

    /** Counts steps and checks that each one sees non-zero gradients. */
    private static final class CountingOptimizer implements Optimizer {
        final Optimizer inner;
        int steps;

        CountingOptimizer(Optimizer inner) {
            this.inner = inner;
        }

        @Override
        public void step(List<Parameter> params) {
            steps++;
            assertThat(params.get(0).grad().norm2Number().doubleValue()).isGreaterThan(0.0);
            inner.step(params);
        }
    }

    private static Trainer.Builder trainer(SoftmaxRegression model, Optimizer optimizer, ByteArrayOutputStream out) {
        return Trainer.builder(model, optimizer)
                .epochs(6)
                .batchSize(16)
                .evalBatchSize(25)
                .seed(3)
                .out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .rewriteProgress(false);
    }

    @Test
    void lossDropsAndAccuracyRises() {
        Dataset train = blobs(240, 1);
        Dataset test = blobs(60, 2);
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.FLOAT, 0);
        Evaluation before = Evaluator.evaluate(model, test, 25);
        CountingOptimizer optimizer = new CountingOptimizer(Sgd.builder(0.5).momentum(0.9).build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        List<EpochMetrics> history = trainer(model, optimizer, out).build().fit(train, test);

        Evaluation after = Evaluator.evaluate(model, test, 25);
        assertWithMessage("test loss before %s, after %s", before.loss(), after.loss())
                .that(after.loss()).isLessThan(before.loss() / 2);
        assertThat(after.accuracy()).isAtLeast(0.9);
        assertThat(after.accuracy()).isGreaterThan(before.accuracy());

        assertThat(history).hasSize(6);
        assertThat(history.get(5).trainLoss()).isLessThan(history.get(0).trainLoss());
        assertThat(history.get(5).testLoss()).isWithin(1e-9).of(after.loss());
        assertThat(history.get(5).testAccuracy()).isEqualTo(after.accuracy());
        // Blobs this well separated are learnt within the first epoch; the running train accuracy shows it.
        assertThat(history.get(0).trainAccuracy()).isAtLeast(0.5);
        assertThat(history.get(5).trainAccuracy()).isAtLeast(0.9);
        for (int e = 0; e < history.size(); e++) {
            assertThat(history.get(e).epoch()).isEqualTo(e + 1);
            assertThat(history.get(e).imagesPerSecond()).isGreaterThan(0.0);
            assertThat(history.get(e).elapsedSeconds()).isGreaterThan(0.0);
        }
        assertThat(optimizer.steps).isEqualTo(6 * 15); // 240 / 16 = 15 batches per epoch
        assertThat(model.trainingForwardCalls).isEqualTo(6 * 15);
        // Dropout masks are re-seeded before every step, the last one being step 6 * 15 - 1.
        assertThat(model.dropoutSeed).isEqualTo(Trainer.dropoutSeed(3, 6 * 15 - 1));
    }

    @Test
    void printsProgressAndOneSummaryLinePerEpoch() {
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.FLOAT, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        trainer(model, new Sgd(0.5), out).epochs(2).build().fit(blobs(240, 1), blobs(60, 2));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r");
        List<String> summaries = text.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertThat(summaries).hasSize(2);
        assertThat(summaries.get(0)).containsMatch(
                "^epoch 1/2  train loss \\d+\\.\\d{4}  train accuracy \\d+\\.\\d\\d%  test loss \\d+\\.\\d{4}"
                        + "  test accuracy \\d+\\.\\d\\d%  \\d+ img/s  \\d+\\.\\d s$");
        // 15 batches: a progress line every floor(15 / 10) = 1 batch, except after the last.
        List<String> progress = text.lines().filter(l -> l.startsWith("  epoch 1/2 ")).toList();
        assertThat(progress).hasSize(14);
        assertThat(progress.get(0)).contains("(batch 1/15)");
        assertThat(progress.get(0)).containsMatch("img/s  ETA \\d+ s  lr 5\\.00e-01$");
    }

    @Test
    void progressIsRewrittenInPlaceOnAConsole() {
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.FLOAT, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        trainer(model, new Sgd(0.5), out).epochs(1).rewriteProgress(true).build().fit(blobs(240, 1), blobs(60, 2));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("\repoch 1/1   6% (batch 1/15)  train loss ");
        assertThat(text.lines().filter(l -> l.contains("train loss") && l.contains("test loss")).count()).isEqualTo(1);
        // The summary starts on a cleared line: the last carriage return precedes it directly.
        assertThat(text.substring(text.lastIndexOf('\r') + 1)).startsWith("epoch 1/1  train loss");
    }

    @Test
    void sameSeedSameRun() {
        double[] first = trainLosses(3);
        assertThat(trainLosses(3)).isEqualTo(first);
        assertThat(trainLosses(4)).isNotEqualTo(first);
    }

    private static double[] trainLosses(long seed) {
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.FLOAT, 0);
        return trainer(model, new Sgd(0.3), new ByteArrayOutputStream()).epochs(2).seed(seed).build()
                .fit(blobs(100, 1), blobs(30, 2)).stream().mapToDouble(EpochMetrics::trainLoss).toArray();
    }

    @Test
    void doubleModelTrainsOnFloatData() {
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.DOUBLE, 0);
        List<EpochMetrics> history = trainer(model, new Sgd(0.5), new ByteArrayOutputStream()).build()
                .fit(blobs(240, 1), blobs(60, 2));
        assertThat(history.get(5).testAccuracy()).isAtLeast(0.9);
        assertThat(model.weight().dataType()).isEqualTo(DataType.DOUBLE);
    }

    @Test
    void rejectsDataThatDoesNotFitTheModel() {
        SoftmaxRegression model = new SoftmaxRegression(3, 3, DataType.FLOAT, 0);
        Trainer trainer = trainer(model, new Sgd(0.1), new ByteArrayOutputStream()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(blobs(10, 1), blobs(10, 2)));
        assertThat(e).hasMessageThat().contains("[2]");
        assertThat(e).hasMessageThat().contains("[3]");
    }

    @Test
    void divergenceStopsWithAClearMessage() {
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.FLOAT, 0);
        Optimizer poisoning = params -> params.forEach(p -> p.value().assign(Double.NaN));
        Trainer trainer = trainer(model, poisoning, new ByteArrayOutputStream()).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.fit(blobs(240, 1), blobs(60, 2)));
        assertThat(e).hasMessageThat().contains("training diverged at step 1 (epoch 1, batch 2 of 15): the loss is NaN");
        assertThat(e).hasMessageThat().contains("parameters already non-finite: dense.weight, dense.bias");
        assertThat(e).hasMessageThat().contains("lower the learning rate");
        assertThat(e.step()).isEqualTo(1);
        assertThat(e.batch()).isEqualTo(2);
        assertThat(e.layer()).isEmpty(); // a hand-written model cannot look between its layers
    }

    @Test
    void nonFiniteInputStopsTheRunNamingTheInput() {
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.FLOAT, 0);
        Dataset train = blobs(240, 1);
        train.features().putScalar(new long[] {7, 0}, Float.NaN);
        Trainer trainer = trainer(model, new Sgd(0.1), new ByteArrayOutputStream()).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.fit(train, blobs(60, 2)));
        assertThat(e.layer()).hasValue("input");
        assertThat(e).hasMessageThat().contains("the input batch itself holds NaN or infinity");
    }

    @Test
    void aNonFiniteTestLossStopsTheRunBeforeTheEpochIsCheckpointedOrRecorded(@TempDir Path dir) {
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.FLOAT, 0);
        Dataset test = blobs(60, 2);
        test.features().putScalar(new long[] {5, 1}, Float.POSITIVE_INFINITY);
        List<Integer> recorded = new ArrayList<>();
        Path checkpoint = dir.resolve("run.lamina");
        Trainer trainer = trainer(model, new Sgd(0.1), new ByteArrayOutputStream())
                .checkpoint(checkpoint, 1000)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {
                        recorded.add(metrics.epoch());
                    }
                }).build();

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer.fit(blobs(240, 1),
                test));

        assertThat(e).hasMessageThat().startsWith("training diverged after epoch 1 (step 15): the test loss is NaN"
                + " although the training loss was ");
        assertThat(e).hasMessageThat().contains("every parameter is finite, so the test data or a running statistic"
                + " is not; lower the learning rate or check the test data");
        assertThat(e.epoch()).isEqualTo(1);
        assertThat(recorded).isEmpty();
        assertThat(Files.exists(checkpoint)).isFalse();
    }

    @Test
    void listenersHearOfAnEpochOnlyAfterItsCheckpointIsWritten(@TempDir Path dir) {
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.FLOAT, 0);
        Path checkpoint = dir.resolve("run.lamina");
        List<Long> checkpointedSteps = new ArrayList<>();
        trainer(model, new Sgd(0.1), new ByteArrayOutputStream()).epochs(2)
                .checkpoint(checkpoint, 1000)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {
                        try {
                            checkpointedSteps.add(CheckpointFile.read(checkpoint).position().step());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }).build().fit(blobs(240, 1), blobs(60, 2));

        assertThat(checkpointedSteps).containsExactly(15L, 30L).inOrder();
    }

    @Test
    void invalidSettingsNameTheValue() {
        SoftmaxRegression model = new SoftmaxRegression(2, 3, DataType.FLOAT, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(model, new Sgd(0.1)).batchSize(0).build());
        assertThat(e).hasMessageThat().contains("batchSize must be >= 1, found 0");
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model, new Sgd(0.1)).epochs(-2).build());
        assertThat(e).hasMessageThat().contains("found -2");
    }
}
