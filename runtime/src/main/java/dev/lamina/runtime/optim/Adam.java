package dev.lamina.runtime.optim;

import dev.lamina.runtime.kernel.AdamUpdate;
import dev.lamina.runtime.model.Parameter;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) with the semantics of
 * PyTorch's {@code torch.optim.Adam} (amsgrad off). Per parameter {@code p} with gradient {@code g} at
 * its step {@code t = 1, 2, ...}:
 * <pre>
 *   g = g + weightDecay p                       (L2 penalty added to the gradient, not decoupled as in AdamW)
 *   m = beta1 m + (1 - beta1) g
 *   v = beta2 v + (1 - beta2) g^2
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * {@code eps} is added after the bias-corrected square root, as in the paper's Algorithm 1 and
 * PyTorch (DL4J's updater uses the paper's "more efficient" form, which adds {@code eps} before the
 * correction and so differs while {@code v} is small).
 *
 * <p>Defaults (PyTorch's): lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, weight decay 0. State (moment
 * estimates and step count) is kept per parameter, keyed by the identity of its value array.
 */
public final class Adam implements Optimizer {
    private double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<INDArray, State> states = new IdentityHashMap<>();

    /** Moment estimates of one parameter and two scratch arrays of its shape, allocated once. */
    private static final class State {
        final INDArray firstMoment;
        final INDArray secondMoment;
        final INDArray scratch;
        final INDArray direction;
        long step;

        State(INDArray value) {
            firstMoment = value.ulike().assign(0);
            secondMoment = value.ulike().assign(0);
            scratch = value.ulike();
            direction = value.ulike();
        }
    }

    private Adam(Builder b) {
        this.lr = OptimizerSupport.nonNegative("lr", b.lr);
        this.beta1 = OptimizerSupport.inUnitInterval("beta1", b.beta1);
        this.beta2 = OptimizerSupport.inUnitInterval("beta2", b.beta2);
        this.eps = OptimizerSupport.nonNegative("eps", b.eps);
        this.weightDecay = OptimizerSupport.nonNegative("weightDecay", b.weightDecay);
    }

    /** Adam with PyTorch's defaults (lr 1e-3, betas 0.9 and 0.999, eps 1e-8, no weight decay). */
    public Adam() {
        this(builder());
    }

    /**
     * Adam with a given learning rate and PyTorch's other defaults.
     *
     * @param lr learning rate, finite and >= 0
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    public Adam(double lr) {
        this(builder().lr(lr));
    }

    /** {@return a builder holding PyTorch's defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void step(List<Parameter> params) {
        for (Parameter p : params) {
            INDArray value = p.value();
            State s = states.computeIfAbsent(value, State::new);
            s.step++;
            INDArray g = p.grad();
            double biasCorrection1 = 1 - Math.pow(beta1, s.step);
            double biasCorrection2 = 1 - Math.pow(beta2, s.step);
            if (AdamUpdate.applies(value, g, s.firstMoment, s.secondMoment)) {
                AdamUpdate.apply(value, g, s.firstMoment, s.secondMoment, beta1, beta2, lr / biasCorrection1,
                        Math.sqrt(biasCorrection2), eps, weightDecay);
                continue;
            }
            // Views and mixed layouts: the same update as ND4J ops.
            if (weightDecay != 0) {
                g = s.scratch.assign(g);
                OptimizerSupport.axpy(weightDecay, value, g);
            }
            s.firstMoment.muli(beta1);
            OptimizerSupport.axpy(1 - beta1, g, s.firstMoment);
            INDArray gradSquared = g == s.scratch ? g.muli(g) : s.scratch.assign(g).muli(g);
            s.secondMoment.muli(beta2);
            OptimizerSupport.axpy(1 - beta2, gradSquared, s.secondMoment);

            double stepSize = lr / biasCorrection1;
            INDArray denominator = Transforms.sqrt(s.scratch.assign(s.secondMoment), false)
                    .divi(Math.sqrt(biasCorrection2))
                    .addi(eps);
            // direction = m / denominator (divi, not rdivi: ND4J M2.1's rdivi is a far slower custom op)
            INDArray direction = s.direction.assign(s.firstMoment).divi(denominator);
            OptimizerSupport.axpy(-stepSize, direction, value);
        }
    }

    /** Slots {@code exp_avg}, {@code exp_avg_sq} (the parameter's shape) and {@code step} (a LONG scalar). */
    @Override
    public Map<String, INDArray> state(List<Parameter> params) {
        Map<String, INDArray> state = new LinkedHashMap<>();
        for (Parameter p : params) {
            State s = states.get(p.value());
            if (s != null) {
                state.put(p.name() + "/exp_avg", s.firstMoment);
                state.put(p.name() + "/exp_avg_sq", s.secondMoment);
                state.put(p.name() + "/step", Nd4j.scalar(DataType.INT64, s.step));
            }
        }
        return state;
    }

    @Override
    public void loadState(List<Parameter> params, Map<String, INDArray> state) {
        Map<Parameter, Map<String, INDArray>> byParameter = OptimizerSupport.byParameter(params, state,
                Set.of("exp_avg", "exp_avg_sq", "step"), Set.of("exp_avg", "exp_avg_sq"));
        for (var e : byParameter.entrySet()) {
            if (e.getValue().size() != 3) {
                throw new IllegalArgumentException("state of " + e.getKey().name() + " needs exp_avg, exp_avg_sq and"
                        + " step, found " + e.getValue().keySet());
            }
        }
        for (Parameter p : params) {
            states.remove(p.value());
        }
        byParameter.forEach((p, slots) -> {
            State s = new State(p.value());
            s.firstMoment.assign(slots.get("exp_avg"));
            s.secondMoment.assign(slots.get("exp_avg_sq"));
            s.step = slots.get("step").getLong(0);
            states.put(p.value(), s);
        });
    }

    /** {@return the learning rate of the next step: the configured one, or the last one set with {@link #setLr}} */
    @Override
    public double lr() {
        return lr;
    }

    /**
     * Sets the learning rate of the following steps (for a {@link LearningRateSchedule}); the state is kept.
     *
     * @param lr finite and >= 0
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    @Override
    public void setLr(double lr) {
        this.lr = OptimizerSupport.nonNegative("lr", lr);
    }

    /** {@return the decay of the first-moment estimate} */
    public double beta1() {
        return beta1;
    }

    /** {@return the decay of the second-moment estimate} */
    public double beta2() {
        return beta2;
    }

    /** {@return the constant added to the denominator} */
    public double eps() {
        return eps;
    }

    /** {@return the L2 penalty coefficient} */
    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public String toString() {
        return "Adam(lr=" + lr + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ", weightDecay="
                + weightDecay + ")";
    }

    /** Collects Adam hyperparameters, starting from PyTorch's defaults; {@link #build()} validates them. */
    public static final class Builder {
        private double lr = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay = 0;

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
         * @param eps >= 0
         * @return this builder
         */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /**
         * Sets the L2 penalty coefficient added to the gradient; default 0.
         *
         * @param weightDecay >= 0
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
        public Adam build() {
            return new Adam(this);
        }
    }
}
