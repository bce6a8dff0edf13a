package dev.lamina.runtime.model;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable tensor and its gradient, which has the same shape. Kernels accumulate into
 * {@link #grad()} with {@code +=}; {@link Model#zeroGrad()} clears it.
 *
 * @param name  {@code <layer>.<role>}, for example {@code conv1.weight}
 * @param value the tensor the optimizer updates in place
 * @param grad  the accumulated gradient of the loss with respect to {@code value}
 */
public record Parameter(String name, INDArray value, INDArray grad) {
    /**
     * Checks that none is null and that value and gradient have the same shape.
     *
     * @param name  {@code <layer>.<role>}
     * @param value the tensor the optimizer updates in place
     * @param grad  the accumulated gradient, same shape as {@code value}
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the shapes differ
     */
    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(grad, "grad");
        if (!java.util.Arrays.equals(value.shape(), grad.shape())) {
            throw new IllegalArgumentException(name + ": value and grad shapes differ");
        }
    }

    /**
     * A parameter with a zero gradient.
     *
     * @param name  {@code <layer>.<role>}
     * @param value the tensor the optimizer updates in place
     * @return a parameter holding {@code value} and a zero gradient of the same shape and type
     */
    public static Parameter of(String name, INDArray value) {
        return new Parameter(name, value, value.ulike().assign(0));
    }
}
