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

    /**
     * The learning rate the next {@link #step} uses: the configured one, or the last one set with
     * {@link #setLr} (by a {@link LearningRateSchedule} through the trainer, for example).
     *
     * @return the current learning rate, finite and >= 0
     * @throws UnsupportedOperationException if the optimizer has no single learning rate (the default,
     *     for optimizers written before schedules existed)
     */
    default double lr() {
        throw new UnsupportedOperationException(getClass().getName() + " has no learning rate to read or schedule");
    }

    /**
     * Sets the learning rate of the following steps, as a PyTorch scheduler writes
     * {@code param_group["lr"]}. Nothing else changes: moment estimates and step counts are kept. The
     * learning rate is not part of {@link #state}: a schedule derives it from the step count.
     *
     * @param lr the new learning rate, finite and >= 0
     * @throws IllegalArgumentException if {@code lr} is negative or not finite
     * @throws UnsupportedOperationException if the optimizer has no single learning rate (the default)
     */
    default void setLr(double lr) {
        throw new UnsupportedOperationException(getClass().getName() + " has no learning rate to schedule");
    }
}
