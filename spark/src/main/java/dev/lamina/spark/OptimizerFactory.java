package dev.lamina.spark;

import dev.lamina.runtime.optim.Optimizer;
import java.io.Serializable;

/**
 * Makes a fresh optimizer, on the driver and on every executor, e.g. {@code () -> new Adam(1e-3)}.
 * Optimizers keep per-parameter state keyed by array identity and are not serialisable themselves;
 * their configuration travels as this factory and their state in the checkpoint format.
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
    /**
     * A new optimizer without state.
     *
     * @return a new instance, not shared with any other call
     */
    Optimizer create();
}
