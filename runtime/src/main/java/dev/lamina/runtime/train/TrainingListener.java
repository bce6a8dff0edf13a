package dev.lamina.runtime.train;

import dev.lamina.runtime.checkpoint.TrainingPosition;
import java.nio.file.Path;

/**
 * Callbacks from {@link Trainer#fit}, on the training thread, in this order per epoch:
 * {@link #onEpochStart}, {@link #onBatchEnd} after every optimizer step, {@link #onEpochEnd} after
 * the epoch's evaluation, then {@link #stopRequested}. Every method does nothing by default.
 *
 * <p>Progress reports (the console lines of {@link ConsoleProgress}, a progress bar), metric logs,
 * extra checkpoints and early stopping ({@link EarlyStopping}) plug in here, so the trainer needs
 * none of their libraries. An exception thrown by a listener ends {@code fit} with that exception.
 */
public interface TrainingListener {
    /** A listener that does nothing: {@code Trainer.Builder.progress(TrainingListener.NONE)} silences the trainer. */
    TrainingListener NONE = new TrainingListener() {};

    /**
     * Called before the first batch of an epoch (also of an epoch resumed in its middle).
     *
     * @param start the epoch and its size
     */
    default void onEpochStart(EpochStart start) {}

    /**
     * Called after the optimizer step of every batch.
     *
     * @param progress where the epoch stands
     */
    default void onBatchEnd(BatchProgress progress) {}

    /**
     * After an epoch's evaluation.
     *
     * @param metrics  the epoch's results
     * @param position the run's position after the epoch (the start of the next), as a checkpoint
     *                 written now would hold it
     */
    default void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {}

    /**
     * Called after the trainer wrote its own checkpoint ({@code Trainer.Builder.checkpoint}).
     *
     * @param file     the checkpoint file
     * @param position the position saved in it
     */
    default void onCheckpointSaved(Path file, TrainingPosition position) {}

    /**
     * Called after the trainer restored a run ({@code Trainer.Builder.resumeFrom}), before training.
     *
     * @param file       the checkpoint file
     * @param position   the position training continues from
     * @param batchCount batches per epoch
     */
    default void onResumed(Path file, TrainingPosition position, int batchCount) {}

    /**
     * Asked after {@link #onEpochEnd}; true ends training after this epoch, and {@code fit} returns the
     * metrics of the epochs run so far.
     *
     * @return whether training should stop now
     */
    default boolean stopRequested() {
        return false;
    }

    /**
     * The start of an epoch.
     *
     * @param epoch      1-based epoch number
     * @param epochs     epochs configured for the run
     * @param firstBatch batches of this epoch already trained before a resume, else 0
     * @param batchCount batches per epoch
     * @param examples   training examples per epoch
     * @param batchSize  examples per batch (the last batch may be smaller)
     */
    record EpochStart(int epoch, int epochs, int firstBatch, int batchCount, int examples, int batchSize) {
        /** {@return the training examples of this epoch already trained before a resume, else 0} */
        public long firstExample() {
            return Math.min((long) firstBatch * batchSize, examples);
        }
    }

    /**
     * Where an epoch stands after a batch.
     *
     * @param epoch          1-based epoch number
     * @param epochs         epochs configured for the run
     * @param batch          batches of this epoch trained, 1..batchCount (counting those before a resume)
     * @param batchCount     batches per epoch
     * @param examples       training examples of this epoch trained so far (counting those before a resume)
     * @param trainLoss      mean training loss over this epoch's examples so far
     * @param trainAccuracy  fraction of this epoch's examples (positions, for per-position labels) since
     *                       the start (or resume) whose training-mode arg-max was the labelled class;
     *                       NaN for regression
     * @param batchesHere    batches trained in this epoch since the start or resume, in this process
     * @param examplesHere   examples trained in this epoch since the start or resume, in this process
     * @param seconds        seconds since the epoch started (or resumed) in this process
     * @param learningRate   the learning rate of this batch's optimizer step (the schedule's, or the
     *                       optimizer's constant one); NaN if the optimizer has no {@code lr()}
     * @param gradNorm       the global L2 norm of the gradients before clipping, when the trainer clips
     *                       ({@code Trainer.Builder.clipGradNorm}); NaN otherwise
     */
    record BatchProgress(int epoch, int epochs, int batch, int batchCount, long examples, double trainLoss,
            double trainAccuracy, int batchesHere, long examplesHere, double seconds, double learningRate,
            double gradNorm) {
        /**
         * Progress without a learning rate or gradient norm (both NaN).
         *
         * @param epoch         1-based epoch number
         * @param epochs        epochs configured for the run
         * @param batch         batches of this epoch trained
         * @param batchCount    batches per epoch
         * @param examples      training examples of this epoch trained so far
         * @param trainLoss     mean training loss over this epoch's examples so far
         * @param trainAccuracy fraction of this epoch's labels since the start (or resume) predicted right
         * @param batchesHere   batches trained in this epoch since the start or resume, in this process
         * @param examplesHere  examples trained in this epoch since the start or resume, in this process
         * @param seconds       seconds since the epoch started (or resumed) in this process
         */
        public BatchProgress(int epoch, int epochs, int batch, int batchCount, long examples, double trainLoss,
                double trainAccuracy, int batchesHere, long examplesHere, double seconds) {
            this(epoch, epochs, batch, batchCount, examples, trainLoss, trainAccuracy, batchesHere, examplesHere,
                    seconds, Double.NaN, Double.NaN);
        }

        /** {@return the training throughput since the epoch started or resumed, examples per second} */
        public double imagesPerSecond() {
            return examplesHere / Math.max(1e-9, seconds);
        }

        /** {@return the estimated seconds until the epoch's last batch, at the pace of the batches so far} */
        public double etaSeconds() {
            return (batchCount - batch) * seconds / Math.max(1, batchesHere);
        }
    }
}
