package dev.lamina.runtime.optim;

import dev.lamina.runtime.model.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An optimizer that passes every call to another, for wrappers that add behaviour around the steps
 * (logging, throttling, fault injection in tests) and keep the wrapped optimizer's state checkpointable.
 */
public abstract class ForwardingOptimizer implements Optimizer {
    private final Optimizer delegate;

    /**
     * Wraps an optimizer.
     *
     * @param delegate the optimizer that does the work and holds the state
     * @throws NullPointerException if {@code delegate} is null
     */
    protected ForwardingOptimizer(Optimizer delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** {@return the optimizer whose state this one holds} */
    public Optimizer delegate() {
        return delegate;
    }

    @Override
    public void step(List<Parameter> params) {
        delegate.step(params);
    }

    @Override
    public Map<String, INDArray> state(List<Parameter> params) {
        return delegate.state(params);
    }

    @Override
    public void loadState(List<Parameter> params, Map<String, INDArray> state) {
        delegate.loadState(params, state);
    }

    @Override
    public double lr() {
        return delegate.lr();
    }

    @Override
    public void setLr(double lr) {
        delegate.setLr(lr);
    }
}
