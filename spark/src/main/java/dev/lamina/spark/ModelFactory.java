package dev.lamina.spark;

import dev.lamina.runtime.model.Model;
import java.io.Serializable;

/**
 * Makes a model from an initialisation seed, on the driver and on every executor: the generated
 * class's {@code create}, as in {@code LaminaSeedNet::create}. Spark serialises the factory into its
 * tasks, which a method reference or lambda of this interface allows; the parameters themselves travel
 * separately, in Lamina's checkpoint format.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    /**
     * A new model initialised from {@code seed}.
     *
     * @param seed the initialisation seed
     * @return a new instance, not shared with any other call
     */
    Model create(long seed);
}
