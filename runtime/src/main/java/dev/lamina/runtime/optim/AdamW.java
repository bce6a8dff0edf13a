package dev.lamina.runtime.optim;

import dev.lamina.runtime.model.Parameter;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization",
 * ICLR 2019, arXiv:1711.05101), with the semantics and the update order of PyTorch's
 * {@code torch.optim.AdamW} (amsgrad off). Per parameter {@code p} with gradient {@code g} at its step
 * {@code t = 1, 2, ...}, with {@code lr} the learning rate of that step (scheduled or not):
 * <pre>
 *   p = p - lr weightDecay p                    (decay first, on the value before the Adam step)
 *   m = beta1 m + (1 - beta1) g
 *   v = beta2 v + (1 - beta2) g^2
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * Unlike {@link Adam}'s {@code weightDecay}, an L2 penalty added to the gradient (and so divided by
 * {@code sqrt(v)} like the rest of it), the decay here shrinks every weight by the same factor
 * {@code 1 - lr weightDecay} whatever its gradient history; it scales with the learning rate, so a
 * schedule that lowers the learning rate lowers the decay too, as in PyTorch. The decay applies to
 * every parameter the optimizer steps (PyTorch's default of one parameter group; biases and
 * normalisation scales are not exempted).
 *
 * <p>Defaults (PyTorch's {@code torch.optim.AdamW}): lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8,
 * weight decay 0.01. State (PyTorch's slots {@code exp_avg}, {@code exp_avg_sq}, {@code step}) is
 * that of {@link Adam}, kept per parameter by the identity of its value array; checkpoints record the
 * class, so an Adam checkpoint does not load into AdamW or the other way round.
 */
public final class AdamW implements Optimizer {
    private final Adam adam;
    private final double weightDecay;

    private AdamW(Builder b) {
        this.weightDecay = OptimizerSupport.nonNegative("weightDecay", b.weightDecay);
        this.adam = Adam.builder().lr(b.lr).beta1(b.beta1).beta2(b.beta2).eps(b.eps).weightDecay(0).build();
    }

    /** AdamW with PyTorch's defaults (lr 1e-3, betas 0.9 and 0.999, eps 1e-8, weight decay 0.01). */
    public AdamW() {
        this(builder());
    }

    /**
     * AdamW with a given learning rate and PyTorch's other defaults (weight decay 0.01).
     *
     * @param lr learning rate, finite and >= 0
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    public AdamW(double lr) {
        this(builder().lr(lr));
    }

    /** {@return a builder holding PyTorch's defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decays every parameter by {@code 1 - lr weightDecay}, then takes {@link Adam}'s step (without L2).
     * Gradients are left unchanged.
     *
     * @param params the parameters to update
     */
    @Override
    public void step(List<Parameter> params) {
        double lr = adam.lr();
        if (lr * weightDecay != 0) {
            double factor = 1 - lr * weightDecay;
            for (Parameter p : params) {
                p.value().muli(factor);
            }
        }
        adam.step(params);
    }

    /** Slots {@code exp_avg}, {@code exp_avg_sq} (the parameter's shape) and {@code step} (a LONG scalar). */
    @Override
    public Map<String, INDArray> state(List<Parameter> params) {
        return adam.state(params);
    }

    @Override
    public void loadState(List<Parameter> params, Map<String, INDArray> state) {
        adam.loadState(params, state);
    }

    /** {@return the learning rate of the next step: the configured one, or the last one set with {@link #setLr}} */
    @Override
    public double lr() {
        return adam.lr();
    }

    /**
     * Sets the learning rate of the following steps (for a {@link LearningRateSchedule}); it scales the
     * decay as well. The state is kept.
     *
     * @param lr finite and >= 0
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    @Override
    public void setLr(double lr) {
        adam.setLr(lr);
    }

    /** {@return the decay of the first-moment estimate} */
    public double beta1() {
        return adam.beta1();
    }

    /** {@return the decay of the second-moment estimate} */
    public double beta2() {
        return adam.beta2();
    }

    /** {@return the constant added to the denominator} */
    public double eps() {
        return adam.eps();
    }

    /** {@return the decoupled weight decay coefficient (each step shrinks weights by {@code 1 - lr weightDecay})} */
    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public String toString() {
        return "AdamW(lr=" + lr() + ", beta1=" + beta1() + ", beta2=" + beta2() + ", eps=" + eps() + ", weightDecay="
                + weightDecay + ")";
    }

    /** Collects AdamW hyperparameters, starting from PyTorch's defaults; {@link #build()} validates them. */
    public static final class Builder {
        private double lr = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay = 0.01;

        private Builder() {}

        /**
         * Sets the learning rate; default 1e-3.
         *
         * @param lr finite and >= 0
         * @return this builder
         */
        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        /**
         * Sets the decay of the first-moment estimate; default 0.9.
         *
         * @param beta1 in [0, 1)
         * @return this builder
         */
        public Builder beta1(double beta1) {
            this.beta1 = beta1;
            return this;
        }

        /**
         * Sets the decay of the second-moment estimate; default 0.999.
         *
         * @param beta2 in [0, 1)
         * @return this builder
         */
        public Builder beta2(double beta2) {
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets the constant added to the denominator for numerical stability; default 1e-8.
         *
         * @param eps finite and >= 0
         * @return this builder
         */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /**
         * Sets the decoupled weight decay coefficient; default 0.01 (PyTorch's AdamW; 0 turns AdamW into
         * Adam without weight decay).
         *
         * @param weightDecay finite and >= 0; each step multiplies every weight by {@code 1 - lr weightDecay}
         * @return this builder
         */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Validates the hyperparameters.
         *
         * @return the optimizer
         * @throws IllegalArgumentException naming the invalid hyperparameter and its value
         */
        public AdamW build() {
            return new AdamW(this);
        }
    }
}
