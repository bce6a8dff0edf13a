package dev.lamina.runtime.train;

import dev.lamina.runtime.checkpoint.CheckpointException;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.Batches;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.model.Tensors;
import dev.lamina.runtime.optim.GradientClipping;
import dev.lamina.runtime.optim.LearningRateSchedule;
import dev.lamina.runtime.optim.Optimizer;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mini-batch training with per-epoch evaluation.
 *
 * <p>Each epoch visits the training set in the shuffled order of {@link Batches} (seeded with
 * {@code seed + epoch}, epochs counted from 0) and for every batch runs {@link Model#zeroGrad()},
 * {@link Model#forward(INDArray, boolean) forward} in training mode, the loss gradient of
 * {@code LossFunction.of(model.loss())}, {@link Model#backward(INDArray) backward} and
 * {@link Optimizer#step}, as one {@link TrainingStep} (forward and backward in a reused ND4J workspace,
 * so steady-state steps take no fresh off-heap memory). Then it evaluates the test set in inference
 * mode ({@link Evaluator}, likewise in a reused workspace).
 *
 * <p>What transformer training needs is optional: a learning-rate schedule over the global step
 * ({@link Builder#schedule}, e.g. linear warm-up then cosine decay), which sets the optimizer's rate
 * before every step, and gradient clipping by global norm ({@link Builder#clipGradNorm}) between
 * backward and the optimizer step. Datasets may hold token ids and one class per position
 * ({@link Dataset#perPosition}); accuracy then counts positions. Sequences have a fixed length.
 * Regression datasets ({@link Dataset#regression}, for a model with {@code Loss.MSE}) have no accuracy:
 * the accuracies in {@link EpochMetrics} and {@link TrainingListener.BatchProgress} are NaN and the
 * default report leaves them out.
 *
 * <p>{@link TrainingListener}s hear of every epoch start, batch and epoch end, and may stop training
 * after an epoch ({@link EarlyStopping}). The first one reports progress: by default a
 * {@link ConsoleProgress}, which prints a progress line about every 10% of batches (rewritten in
 * place on a terminal) and one line per epoch with train loss and accuracy, test loss and accuracy,
 * training images per second and elapsed seconds; {@link Builder#progress} replaces it.
 *
 * <p>Before every step the dropout masks are re-seeded from the seed and the step number
 * ({@link #dropoutSeed}), so a run is reproducible for a given seed, thread count and native library,
 * and a run resumed from a checkpoint ({@link Builder#checkpoint}, {@link Builder#resumeFrom}) continues
 * exactly as one that never stopped. A NaN or infinite training loss stops the run with a
 * {@link TrainingDivergedException} naming the step, the batch and the first layer whose output went
 * non-finite; so does an exploding one, whatever the optimizer: a batch loss above
 * {@link Builder#explodingLossFactor} (default 1e6, {@link #DEFAULT_EXPLODING_LOSS_FACTOR}) times the larger of 1
 * and the loss of the run's first batch (of this {@code fit} call's first batch, when resuming). A run that
 * has grown its loss a million-fold is not coming back, and left alone it goes on for epochs at losses of
 * 1e22 before anything overflows. A NaN or infinite test loss after an epoch stops it likewise, before that
 * epoch's checkpoint. After an epoch the trainer writes its own checkpoint ({@link Builder#checkpoint}) before
 * the listeners hear of the epoch, so a listener that records epochs records only checkpointed ones.
 * Not thread-safe.
 */
public final class Trainer {
    /** The default of {@link Builder#explodingLossFactor}. */
    public static final double DEFAULT_EXPLODING_LOSS_FACTOR = 1e6;

    private final Model model;
    private final Optimizer optimizer;
    private final TrainingStep trainingStep;
    private final int epochs;
    private final int batchSize;
    private final int evalBatchSize;
    private final long seed;
    private final List<TrainingListener> listeners;
    private final Path checkpointFile;
    private final int checkpointEvery;
    private final Path resumeFrom;
    private final LearningRateSchedule schedule;
    /** The optimizer's rate when the trainer was built: the schedule's base; NaN if it has none. */
    private final double baseLr;
    private final double explodingLossFactor;
    private final boolean dropLast;

    private Trainer(Builder b, double baseLr) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.trainingStep = b.clipGradNorm ? new TrainingStep(model, optimizer, b.maxGradNorm)
                : new TrainingStep(model, optimizer);
        this.schedule = b.schedule;
        this.baseLr = baseLr;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.evalBatchSize = b.evalBatchSize;
        this.seed = b.seed;
        List<TrainingListener> all = new ArrayList<>();
        all.add(b.progress != null ? b.progress : new ConsoleProgress(b.out, b.rewriteProgress));
        all.addAll(b.listeners);
        this.listeners = List.copyOf(all);
        this.checkpointFile = b.checkpointFile;
        this.checkpointEvery = b.checkpointEvery;
        this.resumeFrom = b.resumeFrom;
        this.explodingLossFactor = b.explodingLossFactor;
        this.dropLast = b.dropLast;
    }

    /**
     * A builder for training a model; see {@link Builder} for defaults.
     *
     * @param model     the model to train
     * @param optimizer updates {@code model}'s parameters; not to be shared with another model
     * @return a builder holding the defaults
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Model model, Optimizer optimizer) {
        return new Builder(model, optimizer);
    }

    /**
     * Trains for the configured number of epochs.
     *
     * @param train features {@code [N, ...model.inputShape()]}, one-hot labels {@code [N, K]} with
     *              {@code [K] = model.outputShape()}, or class ids {@code [N, T]} with
     *              {@code [T, K] = model.outputShape()} ({@link Dataset#perPosition}), or regression targets
     *              {@code [N, K]} for a model with {@code Loss.MSE} ({@link Dataset#regression})
     * @param test  evaluated after every epoch; same shapes per example
     * @return one {@link EpochMetrics} per epoch run, in order (fewer than configured when a listener
     *     stopped training early, or when resuming)
     * @throws IllegalArgumentException  before any computation, if a dataset's example or label shape does
     *     not fit the model (naming both shapes), a dataset is empty, or drop-last leaves no training
     *     batch; or from the schedule, if it
     *     gives an invalid rate for some step (the optimizer names the value)
     * @throws TrainingDivergedException if the training loss becomes NaN or infinite or explodes
     *     ({@link Builder#explodingLossFactor}), or the test loss after an epoch is NaN or infinite; that
     *     epoch then has no checkpoint and reaches no {@code onEpochEnd}
     * @throws UncheckedIOException      if a checkpoint cannot be written, or the one to resume from cannot
     *     be read or does not fit (caused by a {@link CheckpointException})
     */
    public List<EpochMetrics> fit(Dataset train, Dataset test) {
        Evaluator.checkFits(model, train, "training");
        Evaluator.checkFits(model, test, "test");
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        if (test.size() == 0) {
            throw new IllegalArgumentException("the test set is empty");
        }
        Batches batches = new Batches(train, batchSize, seed, dropLast);
        int batchCount = batches.batchCount();
        TrainingPosition position = resumeFrom == null
                ? TrainingPosition.start(seed, batchSize, train.size())
                : RunCheckpoints.resume(resumeFrom, model, optimizer, seed, batchSize, train.size(), batchCount,
                        listeners);
        int labelsPerExample = train.labelsPerExample(); // 0 for regression: no accuracy (NaN)
        boolean scheduled = schedule != LearningRateSchedule.constant();
        long step = position.step();
        // The loss of this call's first batch: the scale against which a loss explodes.
        double firstLoss = Double.NaN;
        List<EpochMetrics> history = new ArrayList<>(epochs);
        for (int epoch = position.epoch(); epoch < epochs; epoch++) {
            long epochStart = System.nanoTime();
            boolean resumed = epoch == position.epoch();
            int batchIndex = resumed ? position.batch() : 0;
            double lossSum = resumed ? position.epochLossSum() : 0;
            long seen = resumed ? position.epochExamples() : 0;
            long seenHere = 0;
            int batchesHere = 0;
            long correctHere = 0;
            for (TrainingListener l : listeners) {
                l.onEpochStart(new TrainingListener.EpochStart(epoch + 1, epochs, batchIndex, batchCount,
                        batches.examplesPerEpoch(), batchSize));
            }
            for (Batch batch : batches.epoch(epoch, batchIndex)) {
                double lr = Double.isNaN(baseLr) ? Double.NaN : optimizer.lr();
                if (scheduled) {
                    lr = schedule.lr(step, baseLr);
                    optimizer.setLr(lr);
                }
                INDArray features = Evaluator.castTo(batch.features(), model);
                TrainingStep.Result result = trainingStep.run(features, batch.labels(), dropoutSeed(seed, step));
                double batchLoss = result.loss();
                if (!result.finite()) {
                    throw diverged(step, epoch, batchIndex, batchCount, batchLoss, result.nonFiniteAt());
                }
                if (Double.isNaN(firstLoss)) {
                    firstLoss = batchLoss;
                } else if (batchLoss > explodingLossFactor * Math.max(1, firstLoss)) {
                    throw exploded(step, epoch, batchIndex, batchCount, batchLoss, firstLoss);
                }
                correctHere += result.correct();
                lossSum += batchLoss * batch.size();
                seen += batch.size();
                seenHere += batch.size();
                batchesHere++;
                batchIndex++;
                step++;
                if (checkpointFile != null && step % checkpointEvery == 0 && batchIndex < batchCount) {
                    save(new TrainingPosition(step, epoch, batchIndex, seed, batchSize, train.size(),
                            lossSum, seen));
                }
                TrainingListener.BatchProgress progress = new TrainingListener.BatchProgress(epoch + 1, epochs,
                        batchIndex, batchCount, seen, lossSum / seen,
                        accuracy(correctHere, seenHere * labelsPerExample), batchesHere, seenHere,
                        secondsSince(epochStart), lr, result.gradNorm());
                for (TrainingListener l : listeners) {
                    l.onBatchEnd(progress);
                }
            }
            double trainSeconds = secondsSince(epochStart);
            Evaluation evaluation = Evaluator.evaluate(model, test, evalBatchSize);
            if (!Double.isFinite(evaluation.loss())) {
                throw testLossDiverged(step, epoch, batchCount, lossSum / seen, evaluation.loss());
            }
            EpochMetrics metrics = new EpochMetrics(epoch + 1, lossSum / seen, evaluation.loss(),
                    evaluation.accuracy(), seenHere / trainSeconds, secondsSince(epochStart),
                    accuracy(correctHere, seenHere * labelsPerExample));
            history.add(metrics);
            TrainingPosition end = new TrainingPosition(step, epoch + 1, 0, seed, batchSize, train.size(), 0, 0);
            // The checkpoint first: a listener that records the epoch (a metrics row) runs only once it exists.
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

    /**
     * The seed of the dropout masks of optimizer step {@code step} (from 0) in a run seeded with
     * {@code seed}: SplitMix64's output function (Steele, Lea and Flood, "Fast splittable
     * pseudorandom number generators", OOPSLA 2014) of {@code seed + (step + 1) * 0x9E3779B97F4A7C15}.
     * Seeding every step afresh makes a step's masks depend on nothing but the seed and the step, so a
     * run resumed from a checkpoint draws the same masks as one that never stopped.
     *
     * @param seed the run's seed
     * @param step the optimizer step, from 0
     * @return the seed to pass to {@link dev.lamina.runtime.model.Model#seedDropout} before that step
     */
    public static long dropoutSeed(long seed, long step) {
        long z = seed + (step + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Writes this run's checkpoint at {@code position} (see {@link RunCheckpoints#save}). */
    private void save(TrainingPosition position) {
        RunCheckpoints.save(checkpointFile, model, optimizer, position, listeners);
    }

    /**
     * Describes a non-finite loss: which parameters were already non-finite, and which layer's output
     * first went non-finite, found by running the same forward pass again (same parameters, same
     * dropout masks) with the model looking between its layers.
     */
    private TrainingDivergedException diverged(long step, int epoch, int batchIndex, int batchCount, double batchLoss,
            String layer) {
        List<String> badParameters = nonFiniteParameters();
        String where;
        if ("input".equals(layer)) {
            where = "the input batch itself holds NaN or infinity";
        } else {
            where = layer != null
                    ? "the first non-finite activation is the output of layer '" + layer + "'"
                    : "no layer reported a non-finite output (every output is finite, so the loss itself"
                            + " overflowed or the labels are not finite, or the model cannot look between its layers)";
        }
        String message = String.format(Locale.ROOT, "training diverged at step %d (epoch %d, batch %d of %d): the loss"
                        + " is %s; %s%s; lower the learning rate or check the data", step, epoch + 1, batchIndex + 1,
                batchCount, batchLoss, where,
                badParameters.isEmpty() ? "" : "; parameters already non-finite: " + String.join(", ", badParameters));
        return new TrainingDivergedException(message, step, epoch + 1, batchIndex + 1, batchLoss, layer, badParameters);
    }

    /** A finite batch loss above the explosion limit: the update of that step has been applied. */
    private TrainingDivergedException exploded(long step, int epoch, int batchIndex, int batchCount, double batchLoss,
            double firstLoss) {
        String message = String.format(Locale.ROOT, "training diverged at step %d (epoch %d, batch %d of %d): the loss"
                        + " is %.4g, more than %.3g times the first batch's loss of %.4g (the limit is %.4g); it"
                        + " is exploding, so lower the learning rate or check the data", step, epoch + 1,
                batchIndex + 1, batchCount, batchLoss, explodingLossFactor, firstLoss,
                explodingLossFactor * Math.max(1, firstLoss));
        return new TrainingDivergedException(message, step, epoch + 1, batchIndex + 1, batchLoss, null,
                nonFiniteParameters());
    }

    /** The test loss after an epoch is NaN or infinite although every training loss was finite. */
    private TrainingDivergedException testLossDiverged(long step, int epoch, int batchCount, double trainLoss,
            double testLoss) {
        List<String> badParameters = nonFiniteParameters();
        String message = String.format(Locale.ROOT, "training diverged after epoch %d (step %d): the test loss is %s"
                        + " although the training loss was %s; %s; lower the learning rate or check the test data",
                epoch + 1, step, testLoss, trainLoss,
                badParameters.isEmpty() ? "every parameter is finite, so the test data or a running statistic is not"
                        : "parameters non-finite: " + String.join(", ", badParameters));
        return new TrainingDivergedException(message, step, epoch + 1, batchCount, testLoss, null, badParameters);
    }

    private List<String> nonFiniteParameters() {
        List<String> bad = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            if (!Tensors.allFinite(p.value())) {
                bad.add(p.name());
            }
        }
        return bad;
    }

    /** Correct labels over labels seen; NaN when none were seen or the task has no classes (regression). */
    private static double accuracy(long correct, long labels) {
        return labels == 0 ? Double.NaN : (double) correct / labels;
    }

    private static double secondsSince(long startNanos) {
        return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Training settings. Defaults: 1 epoch, batch size 128, evaluation batch size 500, seed 0, progress
     * reported by a {@link ConsoleProgress} on {@link System#out}, rewritten in place on a terminal
     * ({@link ConsoleProgress#onTerminal()}), no other listeners, no checkpoints, a constant learning
     * rate (the optimizer's), no gradient clipping, a last partial batch kept (no drop-last), and a run
     * stopped when its loss exceeds a million times its start ({@link #explodingLossFactor}).
     */
    public static final class Builder {
        private final Model model;
        private final Optimizer optimizer;
        private int epochs = 1;
        private int batchSize = 128;
        private int evalBatchSize = 500;
        private long seed = 0;
        private PrintStream out = System.out;
        private boolean rewriteProgress = ConsoleProgress.onTerminal();
        private TrainingListener progress;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path checkpointFile;
        private int checkpointEvery;
        private Path resumeFrom;
        private LearningRateSchedule schedule = LearningRateSchedule.constant();
        private boolean clipGradNorm;
        private double maxGradNorm;
        private double explodingLossFactor = DEFAULT_EXPLODING_LOSS_FACTOR;
        private boolean dropLast;

        private Builder(Model model, Optimizer optimizer) {
            this.model = Objects.requireNonNull(model, "model");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
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
         * Sets the number of training examples per step; default 128.
         *
         * @param batchSize >= 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the number of examples per forward pass during evaluation; default 500.
         *
         * @param evalBatchSize >= 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder evalBatchSize(int evalBatchSize) {
            this.evalBatchSize = evalBatchSize;
            return this;
        }

        /**
         * Sets the seed of the shuffles (epoch {@code e} uses {@code seed + e}) and of the dropout masks
         * ({@link Trainer#dropoutSeed}); default 0.
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
         * Sets whether the default {@link ConsoleProgress} rewrites its progress line in place with
         * {@code \r}; default: {@link ConsoleProgress#onTerminal()}.
         *
         * @param rewriteProgress true to rewrite one line, false to print one line per update
         * @return this builder
         */
        public Builder rewriteProgress(boolean rewriteProgress) {
            this.rewriteProgress = rewriteProgress;
            return this;
        }

        /**
         * Replaces the default {@link ConsoleProgress} report with {@code progress} (a progress bar, or
         * {@link TrainingListener#NONE} for silence). It is called before the other listeners.
         *
         * @param progress the report, not null
         * @return this builder
         */
        public Builder progress(TrainingListener progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Adds a listener, called after the progress report and the listeners added before it.
         *
         * @param listener the listener, not null
         * @return this builder
         */
        public Builder listener(TrainingListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Writes a checkpoint ({@link CheckpointFile}) to {@code file} after every {@code everySteps}
         * optimizer steps within an epoch and after every epoch's evaluation, replacing the previous
         * one atomically. Default: no checkpoints.
         *
         * @param file       where the checkpoint goes
         * @param everySteps optimizer steps between checkpoints within an epoch, >= 1 (checked by
         *     {@link #build()})
         * @return this builder
         * @throws NullPointerException if {@code file} is null
         */
        public Builder checkpoint(Path file, int everySteps) {
            this.checkpointFile = Objects.requireNonNull(file, "file");
            this.checkpointEvery = everySteps;
            return this;
        }

        /**
         * Continues the run saved in {@code file} by {@link #checkpoint}: restores parameters, buffers
         * and optimizer state and goes on from the saved step, so that the result equals that of a run
         * that never stopped. The run must have the same model, optimizer, seed, batch size and training
         * set size; {@code fit} throws {@link UncheckedIOException} (caused by a
         * {@link CheckpointException}) otherwise. {@code fit} then returns the metrics of the epochs it
         * finished.
         *
         * @param file a checkpoint written by {@link #checkpoint}
         * @return this builder
         * @throws NullPointerException if {@code file} is null
         */
        public Builder resumeFrom(Path file) {
            this.resumeFrom = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Sets the learning rate of every step from the global step count ({@link LearningRateSchedule}):
         * before each step the trainer calls {@link Optimizer#setLr} with
         * {@code schedule.lr(step, baseLr)}, where {@code step} counts the run's optimizer steps from 0
         * across epochs (and across a resume: a resumed run continues on the same rates, as the step
         * count is in the checkpoint) and {@code baseLr} is the optimizer's {@link Optimizer#lr()} when
         * {@link #build()} runs (so build trainers on freshly configured optimizers). Listeners see each
         * step's rate in {@link TrainingListener.BatchProgress#learningRate()}. After {@code fit} the
         * optimizer keeps the last step's rate. Default: {@link LearningRateSchedule#constant()}, which
         * leaves the optimizer's rate alone.
         *
         * @param schedule e.g. {@code LearningRateSchedule.warmupCosine(warmupSteps, totalSteps, minLr)}, with
         *     {@code totalSteps} usually epochs times batches per epoch ({@code ceil(N / batchSize)})
         * @return this builder
         * @throws NullPointerException if {@code schedule} is null
         */
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * Clips the gradients by global norm after every backward pass and before the optimizer step:
         * when the L2 norm over all parameters' gradients exceeds {@code maxNorm}, all are scaled by
         * {@code maxNorm / (norm + 1e-6)}, as PyTorch's {@code torch.nn.utils.clip_grad_norm_}
         * ({@link GradientClipping#clipGradNorm}). Listeners see each step's norm before clipping in
         * {@link TrainingListener.BatchProgress#gradNorm()}. Default: no clipping (and no norm computed).
         * Transformer recipes commonly use 1.0.
         *
         * @param maxNorm the largest global norm, > 0 (checked by {@link #build()}); {@code +Infinity}
         *     reports the norm without clipping
         * @return this builder
         */
        public Builder clipGradNorm(double maxNorm) {
            this.clipGradNorm = true;
            this.maxGradNorm = maxNorm;
            return this;
        }

        /**
         * Leaves out each epoch's last batch when it would hold fewer than {@code batchSize} examples, as
         * PyTorch's {@code DataLoader(drop_last=True)}: every step then sees a full batch, and each epoch
         * skips the {@code N mod batchSize} examples its shuffle puts last (see {@link Batches}). Useful when
         * a tiny last batch would be a problem, such as one example before a BatchNorm that normalises one
         * value per channel. Default false: the last batch holds the remainder. With it, {@code fit} throws
         * {@link IllegalArgumentException} if the training set is smaller than one batch.
         *
         * @param dropLast true to drop a last partial batch
         * @return this builder
         */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * Sets when a finite but growing loss counts as diverged: when a batch loss exceeds
         * {@code factor * max(1, firstLoss)}, where {@code firstLoss} is the loss of the first batch
         * that {@code fit} trains on, {@code fit} throws a {@link TrainingDivergedException}. The floor
         * of 1 keeps a run that starts near 0 (a regression on small targets) from stopping at losses
         * that are only large relative to that start. Default 1e6 ({@link Trainer#DEFAULT_EXPLODING_LOSS_FACTOR});
         * {@code Double.POSITIVE_INFINITY} stops only on NaN or infinite losses.
         *
         * @param factor > 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder explodingLossFactor(double factor) {
            this.explodingLossFactor = factor;
            return this;
        }

        /**
         * Validates the settings.
         *
         * @return the trainer
         * @throws IllegalArgumentException if epochs, a batch size or the checkpoint interval is below 1,
         *     naming the value; if the maximum gradient norm is not > 0; if the exploding-loss factor is
         *     not > 1; or if a schedule other than the
         *     constant one is set for an optimizer without a learning rate ({@link Optimizer#lr()})
         */
        public Trainer build() {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, found " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
            }
            if (checkpointFile != null && checkpointEvery < 1) {
                throw new IllegalArgumentException("checkpoint every must be >= 1 steps, found " + checkpointEvery);
            }
            if (evalBatchSize < 1) {
                throw new IllegalArgumentException("evalBatchSize must be >= 1, found " + evalBatchSize);
            }
            if (clipGradNorm) {
                GradientClipping.checkMaxNorm(maxGradNorm);
            }
            if (!(explodingLossFactor > 1)) {
                throw new IllegalArgumentException("explodingLossFactor must be > 1 (or +Infinity to stop only on"
                        + " NaN or infinite losses), found " + explodingLossFactor);
            }
            double baseLr;
            try {
                baseLr = optimizer.lr();
            } catch (UnsupportedOperationException e) {
                if (schedule != LearningRateSchedule.constant()) {
                    throw new IllegalArgumentException("the learning-rate schedule (" + schedule + ") needs an"
                            + " optimizer with a learning rate, but " + optimizer.getClass().getName()
                            + " has none (it does not implement Optimizer.lr() and setLr())", e);
                }
                baseLr = Double.NaN;
            }
            return new Trainer(this, baseLr);
        }
    }
}
