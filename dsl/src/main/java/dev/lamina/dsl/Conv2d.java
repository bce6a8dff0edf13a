package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 2-D convolution (cross-correlation, as in PyTorch {@code Conv2d}) over NCHW input.
 *
 * <p>Input {@code [N, C, H, W]}, weight {@code [filters, C, kernel, kernel]}, bias {@code [filters]},
 * output {@code [N, filters, H_out, W_out]} with {@code H_out = floor((H + padTotal - kernel) / stride) + 1}.
 * Weights and bias are initialised as in PyTorch: uniform in {@code ±1/sqrt(C * kernel * kernel)}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Conv2d {
    /** {@return the number of output channels} Positive. */
    int filters();

    /** {@return the side of the square kernel, in pixels} Positive. */
    int kernel();

    /** {@return the step between kernel positions, in pixels} Positive. */
    int stride() default 1;

    /** {@return the border handling} {@link Padding#VALID} (no padding) by default, as in Keras and PyTorch. */
    Padding padding() default Padding.VALID;

    /** {@return whether to add a learned per-channel bias} */
    boolean bias() default true;
}
