package dev.lamina.runtime.optim;

/**
 * The learning rate as a function of the global optimizer step: {@link #lr(long, double)} gives the
 * rate of step {@code step} (counted from 0 over the whole run, across epochs) from the optimizer's
 * configured rate {@code baseLr}. The trainer ({@code Trainer.Builder.schedule}) sets the optimizer's
 * rate ({@link Optimizer#setLr}) before every step, so a schedule keeps no state of its own: a run
 * resumed from a checkpoint, which records the step count, continues on the same rates.
 *
 * <p>Implementations must be pure functions of their arguments.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * The learning rate of one step.
     *
     * @param step   optimizer steps taken before this one, from 0
     * @param baseLr the optimizer's configured learning rate (the peak of a warm-up), >= 0
     * @return the learning rate for step {@code step}, finite and >= 0
     * @throws IllegalArgumentException if {@code step < 0}
     */
    double lr(long step, double baseLr);

    /**
     * The configured rate at every step: training without a schedule, the trainer's default. The
     * trainer leaves the optimizer's rate alone under this schedule, so it also suits optimizers
     * without {@link Optimizer#lr()}.
     *
     * @return the constant schedule
     */
    static LearningRateSchedule constant() {
        return Constant.INSTANCE;
    }

    /**
     * Linear warm-up from 0 to the configured rate over {@code warmupSteps} steps, then half a cosine
     * period down to {@code minLr} at step {@code totalSteps}, and {@code minLr} from there on:
     * <pre>
     *   step &lt; W:        lr = baseLr * step / W
     *   W &lt;= step:       p = min(1, (step - W) / max(1, totalSteps - W))
     *                    lr = minLr + (baseLr - minLr) * (1 + cos(pi p)) / 2
     * </pre>
     * With {@code minLr = 0} and {@code step < totalSteps} this is Hugging Face's
     * {@code transformers.get_cosine_schedule_with_warmup} (default {@code num_cycles = 0.5}) applied by
     * PyTorch's {@code LambdaLR}: step 0 has rate 0 (its Adam moments still accumulate), step {@code W}
     * the full rate. {@code minLr} is timm's {@code CosineLRScheduler} {@code lr_min} (an absolute rate,
     * not a fraction), and, as there, the rate stays at {@code minLr} after {@code totalSteps} instead of
     * rising again. Xiong et al. 2020 ("On Layer Normalization in the Transformer Architecture") show
     * that Post-LN transformers need such a warm-up.
     *
     * @param warmupSteps {@code W >= 0} steps of linear warm-up; 0 starts at the full rate
     * @param totalSteps  the step at which the rate reaches {@code minLr}, {@code >= warmupSteps} and
     *                    {@code >= 1}; usually epochs times batches per epoch
     * @param minLr       the final rate, finite and >= 0 (above the configured rate it is a rise, not a decay)
     * @return the schedule
     * @throws IllegalArgumentException naming the value if {@code warmupSteps < 0},
     *     {@code totalSteps < max(1, warmupSteps)} or {@code minLr} is negative or not finite
     */
    static LearningRateSchedule warmupCosine(long warmupSteps, long totalSteps, double minLr) {
        return new WarmupCosine(warmupSteps, totalSteps, minLr);
    }

    /**
     * Linear warm-up from 0 to the configured rate over {@code warmupSteps} steps, then the configured
     * rate: Hugging Face's {@code transformers.get_constant_schedule_with_warmup}.
     *
     * @param warmupSteps {@code W >= 1} steps of warm-up; step {@code s < W} has rate {@code baseLr * s / W}
     * @return the schedule
     * @throws IllegalArgumentException if {@code warmupSteps < 1}, naming it
     */
    static LearningRateSchedule warmupConstant(long warmupSteps) {
        return new WarmupConstant(warmupSteps);
    }

    /** The schedule of {@link #constant()}. */
    enum Constant implements LearningRateSchedule {
        /** The only instance. */
        INSTANCE;

        /** {@return {@code baseLr}} */
        @Override
        public double lr(long step, double baseLr) {
            checkStep(step);
            return baseLr;
        }

        @Override
        public String toString() {
            return "constant";
        }
    }

    /**
     * The schedule of {@link #warmupCosine}.
     *
     * @param warmupSteps steps of linear warm-up from 0
     * @param totalSteps  the step at which the rate reaches {@code minLr}
     * @param minLr       the final rate
     */
    record WarmupCosine(long warmupSteps, long totalSteps, double minLr) implements LearningRateSchedule {
        /**
         * Checks the arguments, as {@link LearningRateSchedule#warmupCosine} documents.
         *
         * @param warmupSteps >= 0
         * @param totalSteps  >= max(1, warmupSteps)
         * @param minLr       finite and >= 0
         * @throws IllegalArgumentException naming the first invalid value
         */
        public WarmupCosine {
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("warmupSteps must be >= 0, found " + warmupSteps);
            }
            if (totalSteps < Math.max(1, warmupSteps)) {
                throw new IllegalArgumentException("totalSteps must be >= 1 and >= warmupSteps (" + warmupSteps
                        + "), found " + totalSteps);
            }
            OptimizerSupport.nonNegative("minLr", minLr);
        }

        @Override
        public double lr(long step, double baseLr) {
            checkStep(step);
            if (step < warmupSteps) {
                return baseLr * step / warmupSteps;
            }
            double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
            return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }

        @Override
        public String toString() {
            return "warm-up " + warmupSteps + " steps, cosine to " + minLr + " at step " + totalSteps;
        }
    }

    /**
     * The schedule of {@link #warmupConstant}.
     *
     * @param warmupSteps steps of linear warm-up from 0, >= 1
     */
    record WarmupConstant(long warmupSteps) implements LearningRateSchedule {
        /**
         * Checks the argument.
         *
         * @param warmupSteps >= 1
         * @throws IllegalArgumentException if {@code warmupSteps < 1}
         */
        public WarmupConstant {
            if (warmupSteps < 1) {
                throw new IllegalArgumentException("warmupSteps must be >= 1, found " + warmupSteps);
            }
        }

        @Override
        public double lr(long step, double baseLr) {
            checkStep(step);
            return step < warmupSteps ? baseLr * step / warmupSteps : baseLr;
        }

        @Override
        public String toString() {
            return "warm-up " + warmupSteps + " steps, then constant";
        }
    }

    /**
     * Checks a step argument.
     *
     * @param step the step passed to {@link #lr}
     * @throws IllegalArgumentException if {@code step < 0}
     */
    private static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, found " + step);
        }
    }
}
