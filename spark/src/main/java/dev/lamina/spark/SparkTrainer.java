package dev.lamina.spark;

import dev.lamina.runtime.checkpoint.Checkpoint;
import dev.lamina.runtime.checkpoint.CheckpointException;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.train.ConsoleProgress;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Evaluation;
import dev.lamina.runtime.train.Evaluator;
import dev.lamina.runtime.train.RunCheckpoints;
import dev.lamina.runtime.train.TrainingListener;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Synchronous data-parallel training of a generated classifier on Apache Spark. The training set is an
 * RDD of {@link Example}s, or a {@code Dataset<Row>} ({@link #fit(org.apache.spark.sql.Dataset, String,
 * String, Dataset)}); each partition is one worker's shard, converted once and cached. The driver holds
 * the model and writes the checkpoints; every round it broadcasts the model's state in Lamina's
 * checkpoint format ({@link CheckpointFile#toBytes}) and the partitions work on it in one of two modes:
 * <ul>
 *   <li>{@link Mode#PARAMETER_AVERAGING} (local SGD; Deeplearning4j's
 *       {@code ParameterAveragingTrainingMaster}; McMahan et al., "Communication-Efficient Learning of
 *       Deep Networks from Decentralized Data", AISTATS 2017): each partition restores parameters and
 *       optimizer state, takes {@link Builder#localSteps K} optimizer steps on its next K batches and
 *       returns its state; the driver sets parameters, BatchNorm running statistics and optimizer state
 *       to their means over the partitions, weighted by the examples each trained on in the round
 *       (integer state such as Adam's step count: the largest). One round per K batches.</li>
 *   <li>{@link Mode#GRADIENT_AVERAGING}: every step, each partition computes the gradient of its next
 *       batch, and {@code treeAggregate} sums the example-weighted gradients, so the driver's optimizer
 *       steps on the gradient of the mean loss over the concatenated batch (synchronous SGD with a
 *       global batch of {@code partitions * batchSize}); BatchNorm running statistics are averaged as
 *       above. The optimizer state never leaves the driver.</li>
 * </ul>
 * With plain SGD and K = 1 the two modes take the same steps. BatchNorm's running mean is an
 * exponential average of batch means, which averaging commutes with: the averaged running mean is the
 * one the concatenated batches would give. The averaged running variance is the mean of the partitions'
 * within-batch variances, without the spread of the batch means between partitions; with shards drawn
 * from one distribution that spread is small.
 *
 * <p><b>Order and reproducibility.</b> Partition {@code p} visits its shard in the shuffled batches of
 * {@code Batches} seeded with {@code seed + p * 0x9E3779B97F4A7C15} (epoch {@code e}: that plus
 * {@code e}), and draws the dropout masks of global step {@code s} from {@code Trainer.dropoutSeed} of
 * the same seed and {@code s}. So a run depends only on the seed and the partitioning, a task that
 * Spark retries after a failure repeats its work exactly, and with one partition and K = 1 training is
 * the single-machine {@code Trainer}'s, step for step and bit for bit. An epoch is a pass of every
 * partition over its shard: {@code ceil(maxShard / batchSize)} batches, the count that progress
 * reports and checkpoints use; smaller shards finish their epoch early and sit out the remaining rounds.
 *
 * <p><b>Driver side</b>, as {@code Trainer}: listeners (progress first, {@link ConsoleProgress} by
 * default) hear of every epoch, of every round as a batch, and of every checkpoint; after each epoch
 * the driver evaluates the test set and writes a checkpoint ({@link Builder#checkpoint}), which
 * {@code lamina evaluate}, {@code predict} and {@code --resume} read as any other. Not thread-safe.
 */
public final class SparkTrainer {
    /** How partitions combine their work; see the class documentation. */
    public enum Mode {
        /** K local steps per partition, then the mean of parameters, buffers and optimizer state. */
        PARAMETER_AVERAGING,
        /** One step at a time on the mean of the partitions' gradients ({@code treeAggregate}). */
        GRADIENT_AVERAGING
    }

    private final JavaSparkContext spark;
    private final ModelFactory modelFactory;
    private final OptimizerFactory optimizerFactory;
    private final Model model;
    private final Optimizer optimizer;
    private final Mode mode;
    private final int localSteps;
    private final int epochs;
    private final int batchSize;
    private final int evalBatchSize;
    private final long seed;
    private final List<TrainingListener> listeners;
    private final Path checkpointFile;
    private final int checkpointEveryRounds;
    private final Path resumeFrom;

    private SparkTrainer(Builder b) {
        this.spark = b.spark;
        this.modelFactory = b.modelFactory;
        this.optimizerFactory = b.optimizerFactory;
        this.model = modelFactory.create(b.seed);
        this.optimizer = optimizerFactory.create();
        this.mode = b.mode;
        this.localSteps = b.localSteps;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.evalBatchSize = b.evalBatchSize;
        this.seed = b.seed;
        List<TrainingListener> all = new ArrayList<>();
        all.add(b.progress != null ? b.progress : new ConsoleProgress(b.out, b.rewriteProgress));
        all.addAll(b.listeners);
        this.listeners = List.copyOf(all);
        this.checkpointFile = b.checkpointFile;
        this.checkpointEveryRounds = b.checkpointEveryRounds;
        this.resumeFrom = b.resumeFrom;
    }

    /**
     * A builder with the defaults listed on {@link Builder}.
     *
     * @param spark            the Spark context the training jobs run on
     * @param modelFactory     makes the model from the seed, e.g. {@code LaminaSeedNet::create}
     * @param optimizerFactory makes a fresh optimizer, e.g. {@code () -> new Adam(1e-3)}
     * @return a builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(JavaSparkContext spark, ModelFactory modelFactory,
            OptimizerFactory optimizerFactory) {
        return new Builder(spark, modelFactory, optimizerFactory);
    }

    /** {@return the driver's model: initialised from the seed, trained by {@code fit}} */
    public Model model() {
        return model;
    }

    /** {@return the driver's optimizer, with the state of the last round} */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * Trains on the rows of a Spark {@code Dataset<Row>} ({@link RowExamples#of}).
     *
     * @param train        the training rows, one example each; their partitions are the workers' shards
     * @param featuresCol  a column of {@code array<float>}, {@code array<double>} or a Spark ML vector
     *                     holding {@code prod(model.inputShape())} values per row, in C order
     * @param labelCol     a column of class indices of any numeric type, in {@code [0, K)}
     * @param test         evaluated on the driver after every epoch; null for none (metrics then NaN)
     * @return one {@link EpochMetrics} per epoch run
     * @throws IllegalArgumentException as {@link #fit(JavaRDD, Dataset)}, or if a column is missing or of
     *     another type (naming it)
     */
    public List<EpochMetrics> fit(org.apache.spark.sql.Dataset<Row> train, String featuresCol, String labelCol,
            Dataset test) {
        return fit(RowExamples.of(train, featuresCol, labelCol), test);
    }

    /**
     * Trains for the configured number of epochs.
     *
     * @param train the training examples; their partitions are the workers' shards
     * @param test  evaluated on the driver after every epoch; null for none (test loss and accuracy are
     *              then NaN)
     * @return one {@link EpochMetrics} per epoch run, in order (fewer when a listener stopped training or
     *     when resuming)
     * @throws IllegalArgumentException if the model's output is not one vector of class scores, if the
     *     training set is empty, or (from a task) if an example has the wrong number of features or a
     *     label out of range, naming partition and example
     * @throws IllegalStateException    if the training loss becomes NaN or infinite, naming the step
     * @throws UncheckedIOException     if a checkpoint cannot be written, or the one to resume from
     *     cannot be read or does not fit (caused by a {@link CheckpointException})
     */
    public List<EpochMetrics> fit(JavaRDD<Example> train, Dataset test) {
        int[] output = model.outputShape();
        if (output.length != 1) {
            throw new IllegalArgumentException("SparkTrainer trains models with one class per example, output [K];"
                    + " " + model.getClass().getName() + " outputs " + Arrays.toString(output));
        }
        RunSettings run = new RunSettings(UUID.randomUUID().toString(), seed, batchSize, output[0]);
        int width = Arrays.stream(model.inputShape()).reduce(1, Math::multiplyExact);
        int numClasses = output[0];
        JavaRDD<Shard> shards = train
                .mapPartitionsWithIndex((p, it) -> List.of(Shard.of(p, it, width, numClasses)).iterator(), true)
                .persist(StorageLevel.MEMORY_ONLY());
        try {
            List<Integer> sizes = shards.map(Shard::size).collect();
            int examples = sizes.stream().mapToInt(Integer::intValue).sum();
            if (examples == 0) {
                throw new IllegalArgumentException("the training set is empty");
            }
            int batchCount = sizes.stream().mapToInt(n -> Shard.batchCount(n, batchSize)).max().orElseThrow();
            return train(shards, run, examples, batchCount, test);
        } finally {
            shards.unpersist(false);
            Shard.forget(run.id());
        }
    }

    private List<EpochMetrics> train(JavaRDD<Shard> shards, RunSettings run, int examples, int batchCount,
            Dataset test) {
        int k = mode == Mode.PARAMETER_AVERAGING ? localSteps : 1;
        TrainingPosition position = resumeFrom == null ? TrainingPosition.start(seed, batchSize, examples)
                : RunCheckpoints.resume(resumeFrom, model, optimizer, seed, batchSize, examples, batchCount,
                        listeners);
        long step = position.step();
        List<EpochMetrics> history = new ArrayList<>();
        for (int epoch = position.epoch(); epoch < epochs; epoch++) {
            long epochStart = System.nanoTime();
            boolean resumed = epoch == position.epoch();
            int batchIndex = resumed ? position.batch() : 0;
            double lossSum = resumed ? position.epochLossSum() : 0;
            long seen = resumed ? position.epochExamples() : 0;
            long seenHere = 0;
            long correctHere = 0;
            int batchesHere = 0;
            for (TrainingListener l : listeners) {
                l.onEpochStart(new TrainingListener.EpochStart(epoch + 1, epochs, batchIndex, batchCount, examples,
                        batchSize));
            }
            int rounds = 0;
            while (batchIndex < batchCount) {
                double lr = learningRate();
                RoundResult r = mode == Mode.PARAMETER_AVERAGING
                        ? averageParameters(shards, run, epoch, batchIndex, k, step)
                        : averageGradients(shards, run, epoch, batchIndex, step);
                if (r.divergedAt >= 0) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "training diverged at step %d (epoch"
                            + " %d, batch %d of %d): the loss of a partition is not finite; lower the learning rate"
                            + " or check the data", r.divergedAt, epoch + 1, batchIndex + 1, batchCount));
                }
                step += r.steps;
                int advanced = Math.min(k, batchCount - batchIndex);
                batchIndex += advanced;
                batchesHere += advanced;
                lossSum += r.lossSum;
                seen += r.examples;
                seenHere += r.examples;
                correctHere += r.correct;
                rounds++;
                if (checkpointFile != null && rounds % checkpointEveryRounds == 0 && batchIndex < batchCount) {
                    save(new TrainingPosition(step, epoch, batchIndex, seed, batchSize, examples, lossSum,
                            seen));
                }
                TrainingListener.BatchProgress progress = new TrainingListener.BatchProgress(epoch + 1, epochs,
                        batchIndex, batchCount, seen, lossSum / Math.max(1, seen),
                        (double) correctHere / Math.max(1, seenHere), batchesHere, seenHere, secondsSince(epochStart),
                        lr, Double.NaN);
                for (TrainingListener l : listeners) {
                    l.onBatchEnd(progress);
                }
            }
            double trainSeconds = secondsSince(epochStart);
            Evaluation evaluation = test == null ? null : Evaluator.evaluate(model, test, evalBatchSize);
            EpochMetrics metrics = new EpochMetrics(epoch + 1, lossSum / Math.max(1, seen),
                    evaluation == null ? Double.NaN : evaluation.loss(),
                    evaluation == null ? Double.NaN : evaluation.accuracy(), seenHere / trainSeconds,
                    secondsSince(epochStart), seenHere == 0 ? Double.NaN : (double) correctHere / seenHere);
            history.add(metrics);
            TrainingPosition end = new TrainingPosition(step, epoch + 1, 0, seed, batchSize, examples, 0, 0);
            if (checkpointFile != null) {
                save(end);
            }
            for (TrainingListener l : listeners) {
                l.onEpochEnd(metrics, end);
            }
            if (listeners.stream().anyMatch(TrainingListener::stopRequested)) {
                break;
            }
        }
        return List.copyOf(history);
    }

    /** What the driver learns from a round. */
    private record RoundResult(long steps, long examples, double lossSum, long correct, long divergedAt) {}

    private RoundResult averageParameters(JavaRDD<Shard> shards, RunSettings run, int epoch, int firstBatch, int k,
            long step) {
        Broadcast<byte[]> state = spark.broadcast(CheckpointFile.toBytes(
                Checkpoint.capture(model, optimizer, TrainingPosition.start(seed, batchSize, 0))));
        List<LocalSteps.Result> results;
        try {
            results = shards.map(new LocalSteps(modelFactory, optimizerFactory, state, run, epoch, firstBatch, k, step))
                    .collect();
        } finally {
            state.destroy();
        }
        long examples = 0;
        double lossSum = 0;
        long correct = 0;
        long steps = 0;
        long divergedAt = -1;
        List<Checkpoint> states = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        for (LocalSteps.Result r : results) {
            examples += r.examples();
            lossSum += r.lossSum();
            correct += r.correct();
            steps = Math.max(steps, r.steps());
            if (r.divergedAt() >= 0) {
                divergedAt = divergedAt < 0 ? r.divergedAt() : Math.min(divergedAt, r.divergedAt());
            } else if (r.checkpoint() != null) {
                try {
                    states.add(CheckpointFile.fromBytes(r.checkpoint(), Path.of("partition-" + r.partition())));
                } catch (CheckpointException e) {
                    throw new IllegalStateException("partition " + r.partition() + " returned a state that does not"
                            + " decode: " + e.getMessage(), e);
                }
                weights.add(r.examples());
            }
        }
        if (divergedAt < 0 && !states.isEmpty()) {
            Checkpoint first = states.get(0);
            Checkpoint mean = new Checkpoint(first.model(), first.optimizer(), first.position(),
                    mean(states, weights, Checkpoint::parameters), mean(states, weights, Checkpoint::buffers),
                    mean(states, weights, Checkpoint::optimizerState));
            try {
                mean.restoreInto(model, optimizer, Path.of("mean-of-round-at-step-" + step));
            } catch (CheckpointException e) {
                throw new IllegalStateException("the partitions' states do not fit the driver's model: "
                        + e.getMessage(), e);
            }
        }
        return new RoundResult(steps, examples, lossSum, correct, divergedAt);
    }

    /**
     * The example-weighted mean of each floating-point tensor, the largest value of each integer one
     * (step counts). One state alone is returned as it is, so that one partition trains bit for bit as
     * the single-machine trainer.
     */
    private static Map<String, INDArray> mean(List<Checkpoint> states, List<Long> weights,
            java.util.function.Function<Checkpoint, Map<String, INDArray>> part) {
        if (states.size() == 1) {
            return part.apply(states.get(0));
        }
        double total = weights.stream().mapToLong(Long::longValue).sum();
        Map<String, INDArray> mean = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : part.apply(states.get(0)).entrySet()) {
            String name = e.getKey();
            INDArray sum = null;
            for (int i = 0; i < states.size(); i++) {
                INDArray t = part.apply(states.get(i)).get(name);
                if (t == null) {
                    throw new IllegalStateException("partition states differ: one lacks " + name);
                }
                if (!t.dataType().isFPType()) {
                    sum = sum == null ? t.dup() : Transforms.max(sum, t, false);
                } else {
                    INDArray w = t.mul(weights.get(i) / total);
                    sum = sum == null ? w : sum.addi(w);
                }
            }
            mean.put(name, sum);
        }
        return mean;
    }

    private RoundResult averageGradients(JavaRDD<Shard> shards, RunSettings run, int epoch, int batch, long step) {
        Checkpoint all = Checkpoint.capture(model, optimizer, TrainingPosition.start(seed, batchSize, 0));
        Broadcast<byte[]> state = spark.broadcast(CheckpointFile.toBytes(new Checkpoint(all.model(), all.optimizer(),
                all.position(), all.parameters(), all.buffers(), Map.of())));
        GradientSum sum;
        try {
            sum = shards.treeAggregate(new GradientSum(), new LocalGradient(modelFactory, state, run, epoch, batch, step),
                    GradientSum::add);
        } finally {
            state.destroy();
        }
        if (sum.divergedAt >= 0 || sum.gradients == null) {
            return new RoundResult(0, sum.examples, sum.lossSum, sum.correct, sum.divergedAt);
        }
        List<Parameter> parameters = model.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            INDArray grad = parameters.get(i).grad();
            grad.assign(mean(sum.gradients[i], sum.examples, grad));
        }
        int i = 0;
        for (INDArray buffer : model.buffers().values()) {
            buffer.assign(mean(sum.buffers[i++], sum.examples, buffer));
        }
        optimizer.step(parameters);
        return new RoundResult(1, sum.examples, sum.lossSum, sum.correct, -1);
    }

    private static INDArray mean(float[] sum, long examples, INDArray like) {
        return Nd4j.create(sum, like.shape(), 'c').castTo(like.dataType()).divi(examples);
    }

    private double learningRate() {
        try {
            return optimizer.lr();
        } catch (UnsupportedOperationException e) {
            return Double.NaN;
        }
    }

    private void save(TrainingPosition position) {
        RunCheckpoints.save(checkpointFile, model, optimizer, position, listeners);
    }

    private static double secondsSince(long startNanos) {
        return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Training settings. Defaults: parameter averaging with K = 1 local step per round, 1 epoch, batch
     * size 128 per partition and step, evaluation batch size 500, seed 0, progress reported by a
     * {@link ConsoleProgress} on {@link System#out}, no other listeners, no checkpoints.
     */
    public static final class Builder {
        private final JavaSparkContext spark;
        private final ModelFactory modelFactory;
        private final OptimizerFactory optimizerFactory;
        private Mode mode = Mode.PARAMETER_AVERAGING;
        private int localSteps = 1;
        private int epochs = 1;
        private int batchSize = 128;
        private int evalBatchSize = 500;
        private long seed;
        private PrintStream out = System.out;
        private boolean rewriteProgress = ConsoleProgress.onTerminal();
        private TrainingListener progress;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path checkpointFile;
        private int checkpointEveryRounds;
        private Path resumeFrom;

        private Builder(JavaSparkContext spark, ModelFactory modelFactory, OptimizerFactory optimizerFactory) {
            this.spark = Objects.requireNonNull(spark, "spark");
            this.modelFactory = Objects.requireNonNull(modelFactory, "modelFactory");
            this.optimizerFactory = Objects.requireNonNull(optimizerFactory, "optimizerFactory");
        }

        /**
         * Sets how partitions combine their work; default {@link Mode#PARAMETER_AVERAGING}.
         *
         * @param mode the mode, not null
         * @return this builder
         * @throws NullPointerException if {@code mode} is null
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Sets K, the optimizer steps each partition takes per round of parameter averaging; default 1.
         * More steps mean fewer rounds (less engine overhead and traffic) but replicas that drift apart.
         *
         * @param localSteps K >= 1 (checked by {@link #build()}); only 1 with gradient averaging
         * @return this builder
         */
        public Builder localSteps(int localSteps) {
            this.localSteps = localSteps;
            return this;
        }

        /**
         * Sets the number of passes over the training set; default 1.
         *
         * @param epochs >= 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the examples per step of each partition; default 128. A step of gradient averaging thus
         * sees up to {@code partitions * batchSize} examples.
         *
         * @param batchSize >= 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the examples per forward pass of the driver's evaluation; default 500.
         *
         * @param evalBatchSize >= 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder evalBatchSize(int evalBatchSize) {
            this.evalBatchSize = evalBatchSize;
            return this;
        }

        /**
         * Sets the seed of the initialisation, the shuffles and the dropout masks; default 0.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets where the default {@link ConsoleProgress} prints; default {@link System#out}.
         *
         * @param out the stream, not null
         * @return this builder
         * @throws NullPointerException if {@code out} is null
         */
        public Builder out(PrintStream out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        /**
         * Sets whether the default {@link ConsoleProgress} rewrites its line in place; default
         * {@link ConsoleProgress#onTerminal()}.
         *
         * @param rewriteProgress true to rewrite one line, false to print one line per update
         * @return this builder
         */
        public Builder rewriteProgress(boolean rewriteProgress) {
            this.rewriteProgress = rewriteProgress;
            return this;
        }

        /**
         * Replaces the default {@link ConsoleProgress} with {@code progress} ({@link TrainingListener#NONE}
         * for silence); it is called before the other listeners.
         *
         * @param progress the report, not null
         * @return this builder
         * @throws NullPointerException if {@code progress} is null
         */
        public Builder progress(TrainingListener progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Adds a listener, called on the driver after the progress report and earlier listeners.
         *
         * @param listener the listener, not null
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(TrainingListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Writes a checkpoint to {@code file} on the driver after every {@code everyRounds} rounds within
         * an epoch and after every epoch, atomically replacing the previous one. Default: none.
         *
         * @param file        where the checkpoint goes
         * @param everyRounds rounds between checkpoints within an epoch, >= 1 (checked by {@link #build()})
         * @return this builder
         * @throws NullPointerException if {@code file} is null
         */
        public Builder checkpoint(Path file, int everyRounds) {
            this.checkpointFile = Objects.requireNonNull(file, "file");
            this.checkpointEveryRounds = everyRounds;
            return this;
        }

        /**
         * Continues the run saved in {@code file}: same model, optimizer, seed, batch size and training
         * set size (and, to repeat the same steps, the same partitioning and K). {@code fit} throws
         * {@link UncheckedIOException} caused by a {@link CheckpointException} otherwise.
         *
         * @param file a checkpoint written by {@link #checkpoint} or by the single-machine trainer
         * @return this builder
         * @throws NullPointerException if {@code file} is null
         */
        public Builder resumeFrom(Path file) {
            this.resumeFrom = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Validates the settings and makes the driver's model and optimizer.
         *
         * @return the trainer
         * @throws IllegalArgumentException if a count is below 1 (naming it), or if gradient averaging is
         *     asked for with more than one local step
         */
        public SparkTrainer build() {
            checkPositive("epochs", epochs);
            checkPositive("batchSize", batchSize);
            checkPositive("evalBatchSize", evalBatchSize);
            checkPositive("localSteps", localSteps);
            if (checkpointFile != null) {
                checkPositive("checkpoint everyRounds", checkpointEveryRounds);
            }
            if (mode == Mode.GRADIENT_AVERAGING && localSteps != 1) {
                throw new IllegalArgumentException("gradient averaging takes one step per round; localSteps must be"
                        + " 1, found " + localSteps);
            }
            return new SparkTrainer(this);
        }

        private static void checkPositive(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, found " + value);
            }
        }
    }
}
