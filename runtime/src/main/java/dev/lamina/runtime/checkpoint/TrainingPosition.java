package dev.lamina.runtime.checkpoint;

/**
 * Where a training run stands, enough to continue it exactly: everything else a run depends on is
 * derived from these numbers (the shuffle of epoch {@code e} from {@code seed + e}, the dropout
 * masks of step {@code s} from {@code seed} and {@code s}; see {@code Trainer}).
 *
 * @param step          optimizer steps taken since the run started
 * @param epoch         the current epoch, from 0
 * @param batch         batches of {@code epoch} already trained ({@code 0} at the start of an epoch)
 * @param seed          the run's seed
 * @param batchSize     examples per training step
 * @param examples      size of the training set
 * @param epochLossSum  sum over the epoch's examples so far of the training loss (for the epoch's mean)
 * @param epochExamples examples of the current epoch trained so far
 */
public record TrainingPosition(long step, int epoch, int batch, long seed, int batchSize, int examples,
        double epochLossSum, long epochExamples) {
    /**
     * The start of a run: step 0 of epoch 1, nothing trained yet.
     *
     * @param seed      the run's seed
     * @param batchSize examples per training step
     * @param examples  size of the training set
     * @return the position before the first step
     */
    public static TrainingPosition start(long seed, int batchSize, int examples) {
        return new TrainingPosition(0, 0, 0, seed, batchSize, examples, 0, 0);
    }
}
