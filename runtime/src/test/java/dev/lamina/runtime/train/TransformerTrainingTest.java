package dev.lamina.runtime.train;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.optim.AdamW;
import dev.lamina.runtime.optim.ForwardingOptimizer;
import dev.lamina.runtime.optim.LearningRateSchedule;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the trainer offers transformer training: learning-rate schedules, gradient clipping, token
 * datasets with one class per position, and exact resumption with all of them on.
 */
class TransformerTrainingTest {
    /** Two overlapping blobs in 2-D, features [n, 2] FLOAT. */
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

    /** Records each batch's progress. */
    private static final class Batches implements TrainingListener {
        final List<BatchProgress> seen = new ArrayList<>();

        @Override
        public void onBatchEnd(BatchProgress progress) {
            seen.add(progress);
        }

        double[] learningRates() {
            return seen.stream().mapToDouble(BatchProgress::learningRate).toArray();
        }

        double[] gradNorms() {
            return seen.stream().mapToDouble(BatchProgress::gradNorm).toArray();
        }
    }

    private static Trainer.Builder quietTrainer(Model model, Optimizer optimizer) {
        return Trainer.builder(model, optimizer).batchSize(16).evalBatchSize(50).seed(5)
                .progress(TrainingListener.NONE);
    }

    private static float[] values(Model model) {
        List<float[]> parts = new ArrayList<>();
        int length = 0;
        for (Parameter p : model.parameters()) {
            float[] v = p.value().dup('c').data().asFloat();
            parts.add(v);
            length += v.length;
        }
        float[] all = new float[length];
        int at = 0;
        for (float[] v : parts) {
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return all;
    }

    private static double[] doubles(List<Parameter> params) {
        return params.stream().flatMapToDouble(p -> Arrays.stream(p.value().dup('c').data().asDouble())).toArray();
    }

    // ---- schedules ----------------------------------------------------------------------------------------

    @Test
    void theScheduleSetsEveryStepsRateFromTheGlobalStep() {
        SoftmaxRegression model = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        AdamW adamW = new AdamW(0.01);
        LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(4, 14, 1e-4);
        Batches batches = new Batches();

        quietTrainer(model, adamW).epochs(2).schedule(schedule).listener(batches).build()
                .fit(blobs(100, 1), blobs(40, 2));

        // 7 batches per epoch: steps 0..13, across the epoch boundary.
        double[] expected = new double[14];
        for (int step = 0; step < 14; step++) {
            expected[step] = schedule.lr(step, 0.01);
        }
        assertThat(batches.learningRates()).isEqualTo(expected);
        assertThat(expected[0]).isEqualTo(0.0);
        assertThat(expected[4]).isEqualTo(0.01);
        assertThat(adamW.lr()).isEqualTo(expected[13]);
        assertThat(batches.gradNorms()[0]).isNaN(); // not clipping: not computed
    }

    @Test
    void withoutAScheduleTheOptimizersRateIsReportedAndLeftAlone() {
        SoftmaxRegression model = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        Sgd sgd = new Sgd(0.3);
        Batches batches = new Batches();
        quietTrainer(model, sgd).listener(batches).build().fit(blobs(100, 1), blobs(40, 2));
        assertThat(batches.learningRates()).isEqualTo(new double[] {0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3});
        assertThat(sgd.lr()).isEqualTo(0.3);

        Batches lambda = new Batches();
        Optimizer plain = params -> params.forEach(p -> p.value().subi(p.grad().mul(0.3)));
        quietTrainer(new SoftmaxRegression(2, 2, DataType.FLOAT, 0), plain).listener(lambda).build()
                .fit(blobs(100, 1), blobs(40, 2));
        assertThat(lambda.learningRates()[0]).isNaN();
    }

    @Test
    void aScheduleNeedsAnOptimizerWithALearningRate() {
        Optimizer plain = params -> { };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> quietTrainer(new SoftmaxRegression(2, 2, DataType.FLOAT, 0), plain)
                        .schedule(LearningRateSchedule.warmupConstant(3)).build());
        assertThat(e).hasMessageThat().contains("the learning-rate schedule (warm-up 3 steps, then constant) needs an"
                + " optimizer with a learning rate");
    }

    // ---- clipping -----------------------------------------------------------------------------------------

    @Test
    void clippingBoundsEverySgdStepAndAnInfiniteMaximumChangesNothing() {
        // Plain SGD moves the parameters by lr * clipped gradient, whose norm is at most maxNorm.
        SoftmaxRegression model = new SoftmaxRegression(2, 2, DataType.DOUBLE, 0);
        List<Double> moves = new ArrayList<>();
        Batches batches = new Batches();
        Optimizer measuring = new ForwardingOptimizer(new Sgd(0.5)) {
            @Override
            public void step(List<Parameter> params) {
                double[] before = doubles(params);
                super.step(params);
                double[] after = doubles(params);
                double sum = 0;
                for (int i = 0; i < after.length; i++) {
                    sum += (after[i] - before[i]) * (after[i] - before[i]);
                }
                moves.add(Math.sqrt(sum));
            }
        };
        quietTrainer(model, measuring).clipGradNorm(0.01).listener(batches).build().fit(blobs(100, 1), blobs(40, 2));

        for (int i = 0; i < moves.size(); i++) {
            double norm = batches.gradNorms()[i];
            assertWithMessage("step %s, gradient norm %s", i, norm).that(norm).isGreaterThan(0.01);
            assertWithMessage("step %s", i).that(moves.get(i)).isWithin(1e-12).of(0.5 * 0.01 * norm / (norm + 1e-6));
        }

        SoftmaxRegression unclipped = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        quietTrainer(unclipped, new AdamW(0.05)).epochs(2).build().fit(blobs(100, 1), blobs(40, 2));
        SoftmaxRegression infinite = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        Batches measured = new Batches();
        quietTrainer(infinite, new AdamW(0.05)).epochs(2).clipGradNorm(Double.POSITIVE_INFINITY).listener(measured)
                .build().fit(blobs(100, 1), blobs(40, 2));
        assertThat(values(infinite)).isEqualTo(values(unclipped));
        assertThat(measured.gradNorms()[0]).isGreaterThan(0.0);
    }

    @Test
    void theMaximumGradientNormMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> quietTrainer(new SoftmaxRegression(2, 2, DataType.FLOAT, 0), new Sgd(0.1)).clipGradNorm(0)
                        .build());
        assertThat(e).hasMessageThat().isEqualTo("maxNorm must be > 0, found 0.0");
    }

    // ---- resuming -----------------------------------------------------------------------------------------

    private static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Killed() {
            super("killed");
        }
    }

    @Test
    void aResumedRunWithScheduleClippingAndAdamWEqualsAnUninterruptedOne(@TempDir Path dir) {
        LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(10, 21, 1e-4);
        Dataset train = blobs(100, 1);
        Dataset test = blobs(40, 2);
        // 3 epochs of 7 batches; checkpoints every 4 steps: the last before step 10 is at step 8 (epoch 2,
        // batch 1), in the middle of the warm-up.
        SoftmaxRegression straight = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        Batches straightBatches = new Batches();
        List<EpochMetrics> straightHistory = quietTrainer(straight, new AdamW(0.05)).epochs(3).schedule(schedule)
                .clipGradNorm(0.5).listener(straightBatches).build().fit(train, test);

        Path file = dir.resolve("run.lamina");
        SoftmaxRegression killed = new SoftmaxRegression(2, 2, DataType.FLOAT, 0);
        assertThrows(Killed.class, () -> quietTrainer(killed, new AdamW(0.05)).epochs(3).schedule(schedule)
                .clipGradNorm(0.5).checkpoint(file, 4).listener(new TrainingListener() {
                    int steps;

                    @Override
                    public void onBatchEnd(BatchProgress progress) {
                        if (++steps == 10) {
                            throw new Killed();
                        }
                    }
                }).build().fit(train, test));

        SoftmaxRegression resumed = new SoftmaxRegression(2, 2, DataType.FLOAT, 99);
        Batches resumedBatches = new Batches();
        List<EpochMetrics> resumedHistory = quietTrainer(resumed, new AdamW(0.05)).epochs(3).schedule(schedule)
                .clipGradNorm(0.5).checkpoint(file, 4).resumeFrom(file).listener(resumedBatches).build()
                .fit(train, test);

        assertThat(values(resumed)).isEqualTo(values(straight));
        assertThat(resumedBatches.seen).hasSize(21 - 8);
        double[] straightRates = straightBatches.learningRates();
        assertThat(resumedBatches.learningRates())
                .isEqualTo(Arrays.copyOfRange(straightRates, 8, 21));
        assertThat(resumedBatches.gradNorms())
                .isEqualTo(Arrays.copyOfRange(straightBatches.gradNorms(), 8, 21));
        assertThat(resumedHistory.get(resumedHistory.size() - 1).testLoss())
                .isEqualTo(straightHistory.get(2).testLoss());
    }

    // ---- tokens, one class per position ----------------------------------------------------------------------

    private static final int VOCABULARY = 12;
    private static final int POSITIONS = 5;
    private static final int CLASSES = 4;

    /** Token sequences [n, 5] INT whose label at each position is a fixed function of its token. */
    private static Dataset tagged(int n, long seed) {
        Random random = new Random(seed);
        int[][] ids = new int[n][POSITIONS];
        int[][] labels = new int[n][POSITIONS];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < POSITIONS; t++) {
                ids[i][t] = random.nextInt(VOCABULARY);
                labels[i][t] = ids[i][t] * 7 % CLASSES;
            }
        }
        return Dataset.perPosition(Nd4j.createFromArray(ids), Nd4j.createFromArray(labels), CLASSES);
    }

    @Test
    void aTokenModelLearnsOneClassPerPositionWithWarmupAndClipping() {
        TokenTagger model = new TokenTagger(VOCABULARY, POSITIONS, CLASSES, 1);
        Dataset train = tagged(200, 1);
        Dataset test = tagged(60, 2);
        Evaluation before = Evaluator.evaluate(model, test, 25);
        Batches batches = new Batches();

        List<EpochMetrics> history = quietTrainer(model, new AdamW(0.1)).epochs(4)
                .schedule(LearningRateSchedule.warmupCosine(5, 4 * 13, 0)).clipGradNorm(1.0).listener(batches)
                .build().fit(train, test);

        Evaluation after = Evaluator.evaluate(model, test, 25);
        assertWithMessage("accuracy before %s", before.accuracy()).that(after.accuracy()).isEqualTo(1.0);
        assertThat(after.loss()).isLessThan(before.loss() / 4);
        assertThat(after.count()).isEqualTo(60);
        assertThat(history.get(3).testAccuracy()).isEqualTo(1.0);
        assertThat(history.get(3).trainAccuracy()).isAtLeast(0.95);
        // Accuracy counts positions: a fraction with denominator 16 * 5 per batch, never above 1.
        for (TrainingListener.BatchProgress p : batches.seen) {
            assertThat(p.trainAccuracy()).isAtMost(1.0);
        }
    }

    @Test
    void outputShapesThatDoNotFitPerPositionLabelsAreNamed() {
        TokenTagger model = new TokenTagger(VOCABULARY, POSITIONS, CLASSES + 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> quietTrainer(model, new AdamW()).build().fit(tagged(20, 1), tagged(20, 2)));
        assertThat(e).hasMessageThat().isEqualTo("training data has one class per position (5 positions, 4 classes),"
                + " so the model must output [5, 4], but it outputs [5, 5]");
    }
}
