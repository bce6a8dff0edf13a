package dev.lamina.runtime.train;

import java.util.List;
import java.util.Optional;

/**
 * The training loss became NaN or infinite, or exploded (grew beyond {@link Trainer.Builder#explodingLossFactor}
 * times its start; {@link #loss()} is then finite and the failing step's update was applied). Says where: the step, the epoch and batch, and the first
 * layer whose output went non-finite on that batch (when the model can tell), plus any parameters
 * that were already non-finite before the step. Also thrown when the test loss after an epoch is NaN
 * or infinite: {@link #batch()} is then the epoch's batch count, {@link #step()} the number of steps
 * taken, {@link #loss()} the test loss and {@link #layer()} empty.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The failing optimizer step, from 0. */
    private final long step;
    /** 1-based epoch of the failing step. */
    private final int epoch;
    /** 1-based batch of the failing step within its epoch. */
    private final int batch;
    /** The non-finite or exploding loss. */
    private final double loss;
    /** The first non-finite layer, or null. */
    private final String layer;
    /** Parameters non-finite before the step. */
    private final List<String> nonFiniteParameters;

    TrainingDivergedException(String message, long step, int epoch, int batch, double loss, String layer,
            List<String> nonFiniteParameters) {
        super(message);
        this.step = step;
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
        this.layer = layer;
        this.nonFiniteParameters = List.copyOf(nonFiniteParameters);
    }

    /**
     * {@return the optimizer step that failed, counted from 0 over the whole run} No update was applied
     * when the loss was NaN or infinite.
     */
    public long step() {
        return step;
    }

    /** {@return the 1-based epoch of the failing step} */
    public int epoch() {
        return epoch;
    }

    /** {@return the 1-based index of the failing batch within its epoch} */
    public int batch() {
        return batch;
    }

    /** {@return the loss that stopped training: NaN or infinite, or the exploding finite one} */
    public double loss() {
        return loss;
    }

    /**
     * {@return the first layer whose output on the batch was non-finite} {@code "input"} when the batch
     * itself was, or empty when every output was finite or the model cannot tell.
     */
    public Optional<String> layer() {
        return Optional.ofNullable(layer);
    }

    /** {@return the parameters holding NaN or infinity before the step, in model order} */
    public List<String> nonFiniteParameters() {
        return nonFiniteParameters;
    }
}
