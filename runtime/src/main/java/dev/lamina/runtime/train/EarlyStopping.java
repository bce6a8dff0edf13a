package dev.lamina.runtime.train;

import dev.lamina.runtime.checkpoint.TrainingPosition;
import java.util.Locale;
import java.util.Optional;

/**
 * Stops training when the test loss has not improved for {@code patience} epochs in a row, like
 * Keras' {@code EarlyStopping(monitor="val_loss", patience, min_delta)}: an epoch improves when its
 * test loss is below the best so far by more than {@code minDelta}. A NaN test loss never improves.
 * Add it with {@code Trainer.Builder.listener}; one instance serves one run.
 */
public final class EarlyStopping implements TrainingListener {
    private final int patience;
    private final double minDelta;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch = 0;
    private int epochsWithoutImprovement = 0;
    private int stoppedAfter = 0;

    /**
     * Stops training when the test loss has not improved for {@code patience} epochs.
     *
     * @param patience epochs without improvement to allow before stopping, >= 1
     * @param minDelta how much lower than the best a test loss must be to count as better, >= 0
     * @throws IllegalArgumentException if {@code patience < 1} or {@code minDelta} is negative or NaN
     */
    public EarlyStopping(int patience, double minDelta) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1 epoch, found " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be >= 0, found " + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {
        observe(metrics.epoch(), metrics.testLoss());
    }

    /**
     * Records the test loss of an epoch; {@link #onEpochEnd} calls it.
     *
     * @param epoch    the epoch, 1-based
     * @param testLoss its test loss
     * @return whether training should stop now
     */
    public boolean observe(int epoch, double testLoss) {
        if (testLoss < bestLoss - minDelta) {
            bestLoss = testLoss;
            bestEpoch = epoch;
            epochsWithoutImprovement = 0;
        } else {
            epochsWithoutImprovement++;
            if (epochsWithoutImprovement >= patience && stoppedAfter == 0) {
                stoppedAfter = epoch;
            }
        }
        return stopRequested();
    }

    @Override
    public boolean stopRequested() {
        return stoppedAfter > 0;
    }

    /** {@return the epoch (1-based) with the lowest test loss so far, 0 before the first} */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** {@return the lowest test loss so far, infinity before the first epoch} */
    public double bestLoss() {
        return bestLoss;
    }

    /** {@return why training stopped, once it has: after which epoch, and the best epoch and loss} */
    public Optional<String> reason() {
        if (stoppedAfter == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "stopped early after epoch %d: test loss has not improved by more than %s for %d epoch(s); best %.4f"
                        + " at epoch %d", stoppedAfter, minDelta, patience, bestLoss, bestEpoch));
    }
}
