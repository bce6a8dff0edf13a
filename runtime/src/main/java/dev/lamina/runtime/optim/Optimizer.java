package dev.lamina.runtime.optim;

import dev.lamina.runtime.model.Parameter;
import java.util.List;

/**
 * Updates parameters in place from their accumulated gradients. Implementations keep per-parameter
 * state (momentum, moment estimates) keyed by the identity of {@link Parameter#value()}, so the same
 * optimizer must not be shared between models and parameters must keep their value arrays.
 */
public interface Optimizer {
    /**
     * Applies one update to every parameter, reading {@link Parameter#grad()} and writing
     * {@link Parameter#value()}; gradients are left unchanged.
     *
     * @param params the parameters to update, for example {@code model.parameters()}
     */
    void step(List<Parameter> params);
}
