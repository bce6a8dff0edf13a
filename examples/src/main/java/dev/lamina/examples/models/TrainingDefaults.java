package dev.lamina.examples.models;

import java.util.Locale;
import java.util.Objects;

/**
 * A model's recommended training settings, which {@code lamina train} uses for every option the
 * command line leaves out: the optimizer, its peak learning rate and weight decay, the
 * learning-rate schedule and gradient clipping. The settings the command line gives win, one by one.
 *
 * @param optimizer    the optimizer
 * @param lr           the (peak) learning rate, >= 0
 * @param weightDecay  AdamW's decoupled weight decay, >= 0; NaN for the optimizer's own default
 *                     (0.01, PyTorch's), and ignored by the other optimizers
 * @param schedule     the learning-rate schedule
 * @param warmupSteps  optimizer steps of linear warm-up, >= 0; a run shorter than five times this
 *                     warms up over its first fifth instead (a quick try on a few images still decays)
 * @param minLr        the rate the cosine ends on, >= 0 (ignored by the constant schedule)
 * @param clipGradNorm the largest global gradient norm, > 0; 0 for no clipping
 */
public record TrainingDefaults(Optimizer optimizer, double lr, double weightDecay, Schedule schedule,
        long warmupSteps, double minLr, double clipGradNorm) {
    /** The optimizers of {@code --optimizer}. */
    public enum Optimizer {
        /** {@code dev.lamina.runtime.optim.Adam} (no weight decay). */
        ADAM,
        /** {@code dev.lamina.runtime.optim.AdamW} (decoupled weight decay). */
        ADAMW,
        /** {@code dev.lamina.runtime.optim.Sgd} with momentum. */
        SGD;

        /** {@return the command-line spelling, e.g. {@code adamw}} */
        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The schedules of {@code --schedule}. */
    public enum Schedule {
        /** The configured rate throughout, after an optional linear warm-up. */
        CONSTANT,
        /** Linear warm-up, then half a cosine down to the minimum rate at the end of the run. */
        WARMUP_COSINE;

        /** {@return the command-line spelling, e.g. {@code warmup-cosine}} */
        public String spelling() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The schedule spelled {@code text} on the command line.
         *
         * @param text e.g. {@code warmup-cosine}, in any case
         * @return the schedule, or null if there is none of that name
         */
        public static Schedule parse(String text) {
            for (Schedule s : values()) {
                if (s.spelling().equalsIgnoreCase(text)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Adam at PyTorch's default rate 1e-3, no schedule, no clipping: the seed network's. */
    public static final TrainingDefaults ADAM = new TrainingDefaults(Optimizer.ADAM, 1e-3, Double.NaN,
            Schedule.CONSTANT, 0, 0, 0);

    /** Checks the values. */
    public TrainingDefaults {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        if (!(lr >= 0) || !(minLr >= 0) || weightDecay < 0 || !(clipGradNorm >= 0) || warmupSteps < 0) {
            throw new IllegalArgumentException("invalid training defaults: lr " + lr + ", weight decay " + weightDecay
                    + ", min lr " + minLr + ", clip " + clipGradNorm + ", warm-up " + warmupSteps);
        }
    }

    /**
     * The warm-up of a run of {@code totalSteps} steps: {@link #warmupSteps}, or a fifth of the run
     * when that is less.
     *
     * @param totalSteps the run's optimizer steps, >= 1
     * @return the steps of warm-up
     */
    public long warmupFor(long totalSteps) {
        return Math.min(warmupSteps, totalSteps / 5);
    }
}
