package dev.lamina.spark;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.Batches;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainingListener;
import dev.lamina.runtime.train.TrainingStep;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SparkTrainerTest {
    private static final long SEED = 42;
    /** The shift between partitions' seeds that SparkTrainer documents. */
    private static final long PARTITION_SEED_STEP = 0x9E3779B97F4A7C15L;

    /** Injects one executor failure (same JVM in local mode, so a static flag reaches the task). */
    private static final AtomicBoolean FAIL_ONCE = new AtomicBoolean();
    private static final AtomicInteger PARTITION_ONE_MODELS = new AtomicInteger();
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    @Test
    void onePartitionAndOneLocalStepTrainAsTheTrainerBitForBit() {
        List<Example> examples = SparkTests.examples(100, 1);
        Dataset train = SparkTests.dataset(examples);
        Model expected = LaminaTinyBnNet.create(SEED);
        Optimizer expectedOptimizer = new Adam(0.01);
        List<EpochMetrics> trainer = Trainer.builder(expected, expectedOptimizer).epochs(2).batchSize(16).seed(SEED)
                .progress(TrainingListener.NONE).build().fit(train, train);

        SparkTrainer spark = SparkTrainer.builder(SparkTests.context(), LaminaTinyBnNet::create, () -> new Adam(0.01))
                .epochs(2).batchSize(16).seed(SEED).progress(TrainingListener.NONE).build();
        List<EpochMetrics> distributed = spark.fit(SparkTests.context().parallelize(examples, 1), train);

        Map<String, float[]> want = SparkTests.state(expected);
        Map<String, float[]> got = SparkTests.state(spark.model());
        assertThat(got.keySet()).containsExactlyElementsIn(want.keySet()).inOrder();
        assertThat(want).containsKey("bn.running_var");
        want.forEach((name, values) -> assertArrayEquals(values, got.get(name), 0f, name));
        Map<String, INDArray> wantState = expectedOptimizer.state(expected.parameters());
        Map<String, INDArray> gotState = spark.optimizer().state(spark.model().parameters());
        assertThat(gotState.keySet()).containsExactlyElementsIn(wantState.keySet());
        wantState.forEach((key, value) -> assertArrayEquals(value.dup('c').data().asDouble(),
                gotState.get(key).dup('c').data().asDouble(), 0.0, key));
        for (int e = 0; e < 2; e++) {
            assertThat(distributed.get(e).trainLoss()).isEqualTo(trainer.get(e).trainLoss());
            assertThat(distributed.get(e).trainAccuracy()).isEqualTo(trainer.get(e).trainAccuracy());
            assertThat(distributed.get(e).testLoss()).isEqualTo(trainer.get(e).testLoss());
        }
    }

    @Test
    void twoPartitionsOfPlainSgdStepAsOneMachineOnTheConcatenatedBatch() {
        List<Example> examples = SparkTests.examples(64, 2);
        Model expected = concatenatedBatchTraining(examples.subList(0, 32), examples.subList(32, 64), 8, 2);
        JavaRDD<Example> rdd = SparkTests.context().parallelize(examples, 2);
        for (SparkTrainer.Mode mode : SparkTrainer.Mode.values()) {
            SparkTrainer spark = SparkTrainer.builder(SparkTests.context(), LaminaTinyNet::create, () -> new Sgd(0.5))
                    .mode(mode).epochs(2).batchSize(8).seed(SEED).progress(TrainingListener.NONE).build();
            spark.fit(rdd, null);
            Map<String, float[]> want = SparkTests.state(expected);
            Map<String, float[]> got = SparkTests.state(spark.model());
            Map<String, float[]> initial = SparkTests.state(LaminaTinyNet.create(SEED));
            want.forEach((name, values) -> {
                assertArrayEquals(values, got.get(name), 2e-6f, mode + " " + name);
                assertThat(got.get(name)).isNotEqualTo(initial.get(name));
            });
        }
    }

    /**
     * Single-machine SGD where step {@code s} of an epoch trains on batch {@code s} of each shard's
     * shuffle (as the partitions draw them), concatenated into one batch.
     */
    private static Model concatenatedBatchTraining(List<Example> first, List<Example> second, int batchSize,
            int epochs) {
        Model model = LaminaTinyNet.create(SEED);
        TrainingStep step = new TrainingStep(model, new Sgd(0.5));
        Batches a = new Batches(SparkTests.dataset(first), batchSize, SEED);
        Batches b = new Batches(SparkTests.dataset(second), batchSize, SEED + PARTITION_SEED_STEP);
        for (int e = 0; e < epochs; e++) {
            Iterator<Batch> ia = a.epoch(e).iterator();
            Iterator<Batch> ib = b.epoch(e).iterator();
            while (ia.hasNext()) {
                Batch x = ia.next();
                Batch y = ib.next();
                INDArray features = Nd4j.concat(0, x.features(), y.features());
                INDArray labels = Nd4j.concat(0, x.labels(), y.labels());
                assertThat(step.run(features, labels, 0).finite()).isTrue();
            }
        }
        return model;
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheRunEndsAsWithoutTheFailure() {
        List<Example> examples = SparkTests.examples(96, 3);
        JavaRDD<Example> rdd = SparkTests.context().parallelize(examples, 2);
        SparkTrainer clean = SparkTrainer.builder(SparkTests.context(), LaminaTinyBnNet::create, () -> new Adam(0.01))
                .localSteps(2).batchSize(8).seed(SEED).progress(TrainingListener.NONE).build();
        clean.fit(rdd, null);

        PARTITION_ONE_MODELS.set(0);
        FAILED.set(false);
        FAIL_ONCE.set(true);
        SparkTrainer retried = SparkTrainer.builder(SparkTests.context(), SparkTrainerTest::failingOnce,
                () -> new Adam(0.01)).localSteps(2).batchSize(8).seed(SEED).progress(TrainingListener.NONE).build();
        retried.fit(rdd, null);

        assertThat(FAILED.get()).isTrue();
        Map<String, float[]> want = SparkTests.state(clean.model());
        Map<String, float[]> got = SparkTests.state(retried.model());
        want.forEach((name, values) -> assertArrayEquals(values, got.get(name), 0f, name));
    }

    /** {@code LaminaTinyBnNet::create}, except that partition 1's task of the third round fails once. */
    private static Model failingOnce(long seed) {
        TaskContext task = TaskContext.get();
        if (task != null && task.partitionId() == 1 && PARTITION_ONE_MODELS.incrementAndGet() == 3
                && FAIL_ONCE.compareAndSet(true, false)) {
            FAILED.set(true);
            throw new IllegalStateException("injected executor failure");
        }
        return LaminaTinyBnNet.create(seed);
    }

    @Test
    void aRunResumedFromItsCheckpointEndsAsOneThatNeverStopped(@TempDir Path dir) throws Exception {
        List<Example> examples = SparkTests.examples(64, 4);
        JavaRDD<Example> rdd = SparkTests.context().parallelize(examples, 2);
        SparkTrainer straight = SparkTrainer.builder(SparkTests.context(), LaminaTinyBnNet::create,
                        () -> new Adam(0.01))
                .epochs(2).localSteps(3).batchSize(8).seed(SEED).progress(TrainingListener.NONE).build();
        straight.fit(rdd, null);

        Path file = dir.resolve("run.lamina");
        SparkTrainer.builder(SparkTests.context(), LaminaTinyBnNet::create, () -> new Adam(0.01))
                .epochs(1).localSteps(3).batchSize(8).seed(SEED).checkpoint(file, 1).progress(TrainingListener.NONE)
                .build().fit(rdd, null);
        Checkpoint saved = CheckpointFile.read(file);
        assertThat(saved.position().epoch()).isEqualTo(1);
        assertThat(saved.position().step()).isEqualTo(4); // 4 batches of 8 per shard of 32, K = 3: 3 + 1 steps
        Model loaded = LaminaTinyBnNet.create(7);
        saved.restoreModelInto(loaded, file);

        SparkTrainer resumed = SparkTrainer.builder(SparkTests.context(), LaminaTinyBnNet::create,
                        () -> new Adam(0.01))
                .epochs(2).localSteps(3).batchSize(8).seed(SEED).resumeFrom(file).progress(TrainingListener.NONE)
                .build();
        List<EpochMetrics> history = resumed.fit(rdd, null);

        assertThat(history).hasSize(1);
        Map<String, float[]> want = SparkTests.state(straight.model());
        Map<String, float[]> got = SparkTests.state(resumed.model());
        want.forEach((name, values) -> assertArrayEquals(values, got.get(name), 0f, name));
    }

    @Test
    void gradientAveragingRefusesLocalSteps() {
        SparkTrainer.Builder builder = SparkTrainer.builder(SparkTests.context(), LaminaTinyNet::create,
                () -> new Sgd(0.1)).mode(SparkTrainer.Mode.GRADIENT_AVERAGING).localSteps(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertThat(e).hasMessageThat().contains("localSteps must be 1, found 4");
    }
}
