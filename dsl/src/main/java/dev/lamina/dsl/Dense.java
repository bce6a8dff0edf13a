package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fully connected layer: {@code y = x W + b}.
 *
 * <p>Input {@code [N, in]} (rank 1 per example; flatten image tensors first), weight
 * {@code [in, units]}, bias {@code [units]}, output {@code [N, units]}. Initialised as in PyTorch
 * {@code Linear}: uniform in {@code ±1/sqrt(in)}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Dense {
    /** {@return the number of output units} Positive. */
    int value();

    /** {@return whether to add a learned bias} */
    boolean bias() default true;
}
