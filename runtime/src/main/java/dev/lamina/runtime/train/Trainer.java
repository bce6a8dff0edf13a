package dev.lamina.runtime.train;

import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.Batches;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Optimizer;
import java.io.PrintStream;
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
 * {@link Optimizer#step}. Then it evaluates the test set in inference mode ({@link Evaluator}) and
 * prints one line: train loss, test loss, test accuracy, training images per second and elapsed
 * seconds. During the epoch a progress line appears about every 10% of batches; on a console it is
 * rewritten in place with {@code \r}, otherwise (logs, CI) printed as plain lines.
 *
 * <p>Dropout masks are seeded once with {@code seed} ({@link Model#seedDropout}), so a run is
 * reproducible for a given seed, thread count and native library. Not thread-safe.
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final LossFunction loss;
    private final int epochs;
    private final int batchSize;
    private final int evalBatchSize;
    private final long seed;
    private final PrintStream out;
    private final boolean rewriteProgress;
    /** Length of the progress line currently shown when rewriting in place, 0 if none. */
    private int progressWidth = 0;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.loss = LossFunction.of(model.loss());
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.evalBatchSize = b.evalBatchSize;
        this.seed = b.seed;
        this.out = b.out;
        this.rewriteProgress = b.rewriteProgress;
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
     * @param train features {@code [N, ...model.inputShape()]}, one-hot labels {@code [N, K]}
     * @param test  evaluated after every epoch; same shapes per example
     * @return one {@link EpochMetrics} per epoch, in order
     * @throws IllegalArgumentException if a dataset's shapes do not fit the model or it is empty
     * @throws IllegalStateException    if the training loss becomes NaN or infinite (diverged)
     */
    public List<EpochMetrics> fit(Dataset train, Dataset test) {
        Evaluator.checkFits(model, train, "training");
        Evaluator.checkFits(model, test, "test");
        if (test.size() == 0) {
            throw new IllegalArgumentException("the test set is empty");
        }
        Batches batches = new Batches(train, batchSize, seed);
        int batchCount = batches.batchCount();
        int progressEvery = Math.max(1, batchCount / 10);
        model.seedDropout(seed);
        List<EpochMetrics> history = new ArrayList<>(epochs);
        for (int epoch = 0; epoch < epochs; epoch++) {
            long epochStart = System.nanoTime();
            double lossSum = 0;
            long seen = 0;
            int batchIndex = 0;
            for (Batch batch : batches.epoch(epoch)) {
                model.zeroGrad();
                INDArray output = model.forward(Evaluator.castTo(batch.features(), model), true);
                double batchLoss = loss.loss(output, batch.labels());
                if (!Double.isFinite(batchLoss)) {
                    throw new IllegalStateException("training diverged: loss is " + batchLoss + " in epoch "
                            + (epoch + 1) + ", batch " + (batchIndex + 1) + "; lower the learning rate");
                }
                model.backward(loss.gradient(output, batch.labels()));
                optimizer.step(model.parameters());
                lossSum += batchLoss * batch.size();
                seen += batch.size();
                batchIndex++;
                if (batchIndex % progressEvery == 0 && batchIndex < batchCount) {
                    double seconds = secondsSince(epochStart);
                    progress(String.format(Locale.ROOT, "epoch %d/%d %3d%% (batch %d/%d)  train loss %.4f  %.0f img/s",
                            epoch + 1, epochs, 100L * batchIndex / batchCount, batchIndex, batchCount,
                            lossSum / seen, seen / seconds));
                }
            }
            double trainSeconds = secondsSince(epochStart);
            Evaluation evaluation = Evaluator.evaluate(model, test, evalBatchSize);
            EpochMetrics metrics = new EpochMetrics(epoch + 1, lossSum / seen, evaluation.loss(),
                    evaluation.accuracy(), seen / trainSeconds, secondsSince(epochStart));
            endProgress();
            out.println(String.format(Locale.ROOT,
                    "epoch %d/%d  train loss %.4f  test loss %.4f  test accuracy %.2f%%  %.0f img/s  %.1f s",
                    metrics.epoch(), epochs, metrics.trainLoss(), metrics.testLoss(), 100 * metrics.testAccuracy(),
                    metrics.imagesPerSecond(), metrics.elapsedSeconds()));
            out.flush();
            history.add(metrics);
        }
        return List.copyOf(history);
    }

    private void progress(String line) {
        if (rewriteProgress) {
            out.print("\r" + line + " ".repeat(Math.max(0, progressWidth - line.length())));
            progressWidth = line.length();
        } else {
            out.println("  " + line);
        }
        out.flush();
    }

    /** Clears a rewritten progress line so the epoch summary starts at column 0 on a clean line. */
    private void endProgress() {
        if (rewriteProgress && progressWidth > 0) {
            out.print("\r" + " ".repeat(progressWidth) + "\r");
            progressWidth = 0;
        }
    }

    private static double secondsSince(long startNanos) {
        return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Training settings. Defaults: 1 epoch, batch size 128, evaluation batch size 500, seed 0, output to
     * {@link System#out}, progress rewritten in place when {@link System#console()} is not null.
     */
    public static final class Builder {
        private final Model model;
        private final Optimizer optimizer;
        private int epochs = 1;
        private int batchSize = 128;
        private int evalBatchSize = 500;
        private long seed = 0;
        private PrintStream out = System.out;
        private boolean rewriteProgress = System.console() != null;

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
         * Sets the seed of the shuffles (epoch {@code e} uses {@code seed + e}) and of the dropout masks;
         * default 0.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets where progress and epoch lines go; default {@link System#out}.
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
         * Sets whether progress lines are rewritten in place with {@code \r}; default: whether a console
         * is attached.
         *
         * @param rewriteProgress true to rewrite one line, false to print one line per update
         * @return this builder
         */
        public Builder rewriteProgress(boolean rewriteProgress) {
            this.rewriteProgress = rewriteProgress;
            return this;
        }

        /**
         * Validates the settings.
         *
         * @return the trainer
         * @throws IllegalArgumentException if epochs or a batch size is below 1, naming the value
         */
        public Trainer build() {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, found " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
            }
            if (evalBatchSize < 1) {
                throw new IllegalArgumentException("evalBatchSize must be >= 1, found " + evalBatchSize);
            }
            return new Trainer(this);
        }
    }
}
