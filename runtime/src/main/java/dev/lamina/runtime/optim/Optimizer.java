package dev.lamina.runtime.optim;

import dev.lamina.runtime.model.Parameter;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

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

    /**
     * The optimizer's state for {@code params}, for checkpoints: tensors keyed
     * {@code <parameter name>/<slot>} with PyTorch's slot names. The arrays may be the live state;
     * copy them before the next {@link #step}. A parameter that has not been stepped yet has no
     * entries. Stateless optimizers (the default) return an empty map.
     *
     * @param params the parameters the optimizer updates
     * @return the state tensors by {@code <parameter name>/<slot>}
     */
    default Map<String, INDArray> state(List<Parameter> params) {
        return Map.of();
    }

    /**
     * Replaces the state for {@code params} with {@code state}, as returned by {@link #state} for
     * parameters of the same names and shapes; parameters without entries start fresh.
     *
     * @param params the parameters the optimizer updates
     * @param state  tensors keyed {@code <parameter name>/<slot>}
     * @throws IllegalArgumentException if a key names no parameter or slot, or a shape differs;
     *     the state is then unchanged
     */
    default void loadState(List<Parameter> params, Map<String, INDArray> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " keeps no state, but was given "
                    + state.keySet());
        }
    }
}
