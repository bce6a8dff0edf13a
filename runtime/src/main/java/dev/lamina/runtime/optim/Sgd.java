package dev.lamina.runtime.optim;

import dev.lamina.runtime.model.Parameter;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay, with the semantics of PyTorch's {@code torch.optim.SGD}. Per parameter {@code p} with
 * gradient {@code g}, where {@code mu} is the momentum, {@code tau} the dampening and {@code lambda}
 * the weight decay:
 * <pre>
 *   g = g + lambda p
 *   if mu != 0:
 *     b = g                          on the first step
 *     b = mu b + (1 - tau) g         afterwards
 *     g = nesterov ? g + mu b : b
 *   p = p - lr g
 * </pre>
 * Momentum: Polyak (1964); Nesterov variant as in Sutskever et al., "On the importance of
 * initialization and momentum in deep learning" (ICML 2013), in PyTorch's formulation.
 *
 * <p>Defaults (PyTorch's): momentum 0, dampening 0, weight decay 0, nesterov false; {@code lr} has no
 * default. Build with {@link #builder(double)}.
 */
public final class Sgd implements Optimizer {
    private double lr;
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;
    /** Momentum buffer per parameter value, by identity; absent until the parameter's first step. */
    private final Map<INDArray, INDArray> momentumBuffers = new IdentityHashMap<>();
    /** Scratch for the decayed gradient per parameter value, so that p.grad() is never modified. */
    private final Map<INDArray, INDArray> scratch = new IdentityHashMap<>();

    private Sgd(Builder b) {
        this.lr = OptimizerSupport.nonNegative("lr", b.lr);
        this.momentum = OptimizerSupport.nonNegative("momentum", b.momentum);
        this.dampening = OptimizerSupport.nonNegative("dampening", b.dampening);
        this.weightDecay = OptimizerSupport.nonNegative("weightDecay", b.weightDecay);
        this.nesterov = b.nesterov;
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov momentum requires momentum > 0 and dampening = 0, found "
                    + "momentum " + momentum + " and dampening " + dampening);
        }
    }

    /**
     * Plain SGD (no momentum, no weight decay).
     *
     * @param lr learning rate, finite and >= 0
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     */
    public Sgd(double lr) {
        this(builder(lr));
    }

    /**
     * A builder with PyTorch's defaults.
     *
     * @param lr learning rate, finite and >= 0 (checked by {@link Builder#build()})
     * @return a builder with momentum 0, dampening 0, weight decay 0 and nesterov false
     */
    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    @Override
    public void step(List<Parameter> params) {
        for (Parameter p : params) {
            INDArray value = p.value();
            INDArray g = p.grad();
            if (weightDecay != 0) {
                g = scratchFor(value).assign(g);
                OptimizerSupport.axpy(weightDecay, value, g);
            }
            if (momentum != 0) {
                INDArray buffer = momentumBuffers.get(value);
                if (buffer == null) {
                    buffer = g.dup();
                    momentumBuffers.put(value, buffer);
                } else {
                    buffer.muli(momentum);
                    OptimizerSupport.axpy(1 - dampening, g, buffer);
                }
                if (nesterov) {
                    if (g == p.grad()) {
                        g = scratchFor(value).assign(g); // never write into the caller's gradient
                    }
                    OptimizerSupport.axpy(momentum, buffer, g);
                } else {
                    g = buffer;
                }
            }
            OptimizerSupport.axpy(-lr, g, value);
        }
    }

    /** Slot {@code momentum_buffer} (the parameter's shape), once the parameter has taken a momentum step. */
    @Override
    public Map<String, INDArray> state(List<Parameter> params) {
        Map<String, INDArray> state = new LinkedHashMap<>();
        for (Parameter p : params) {
            INDArray buffer = momentumBuffers.get(p.value());
            if (buffer != null) {
                state.put(p.name() + "/momentum_buffer", buffer);
            }
        }
        return state;
    }

    @Override
    public void loadState(List<Parameter> params, Map<String, INDArray> state) {
        Map<Parameter, Map<String, INDArray>> byParameter = OptimizerSupport.byParameter(params, state,
                Set.of("momentum_buffer"), Set.of("momentum_buffer"));
        for (Parameter p : params) {
            momentumBuffers.remove(p.value());
        }
        byParameter.forEach((p, slots) -> momentumBuffers.put(p.value(),
                p.value().ulike().assign(slots.get("momentum_buffer"))));
    }

    private INDArray scratchFor(INDArray value) {
        return scratch.computeIfAbsent(value, INDArray::ulike);
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

    /** {@return the momentum factor} */
    public double momentum() {
        return momentum;
    }

    /** {@return the dampening of the gradient added to the momentum buffer} */
    public double dampening() {
        return dampening;
    }

    /** {@return the L2 penalty coefficient} */
    public double weightDecay() {
        return weightDecay;
    }

    /** {@return whether the momentum is Nesterov's} */
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + lr + ", momentum=" + momentum + ", dampening=" + dampening + ", weightDecay="
                + weightDecay + ", nesterov=" + nesterov + ")";
    }

    /** Collects SGD hyperparameters; {@link #build()} validates them. */
    public static final class Builder {
        private double lr;
        private double momentum = 0;
        private double dampening = 0;
        private double weightDecay = 0;
        private boolean nesterov = false;

        private Builder(double lr) {
            this.lr = lr;
        }

        /**
         * Sets the momentum factor; default 0 (no momentum).
         *
         * @param momentum {@code mu >= 0}
         * @return this builder
         */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /**
         * Sets the dampening of the gradient added to the momentum buffer; default 0.
         *
         * @param dampening {@code tau >= 0}
         * @return this builder
         */
        public Builder dampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        /**
         * Sets the L2 penalty coefficient added to the gradient; default 0.
         *
         * @param weightDecay {@code lambda >= 0}
         * @return this builder
         */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Turns Nesterov momentum on or off; default off. On requires momentum > 0 and dampening 0.
         *
         * @param nesterov whether to use Nesterov momentum
         * @return this builder
         */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /**
         * Validates the hyperparameters.
         *
         * @return the optimizer
         * @throws IllegalArgumentException naming the invalid hyperparameter and its value
         */
        public Sgd build() {
            return new Sgd(this);
        }
    }
}
