package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 1-D convolution (cross-correlation, as in PyTorch {@code Conv1d}) over signals {@code [N, C, L]}
 * (a model's 2-D {@code input}).
 *
 * <p>Input {@code [N, C, L]}, weight {@code [filters, C, kernel]}, bias {@code [filters]}, output
 * {@code [N, filters, L_out]} with {@code L_out = floor((L - kernel) / stride) + 1} for
 * {@link Padding#VALID} and {@code ceil(L / stride)} for {@link Padding#SAME} (as {@link Conv2d}).
 * Weights and bias are initialised as in PyTorch: uniform in {@code ±1/sqrt(C * kernel)}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Conv1d {
    /** {@return the number of output channels} Positive. */
    int filters();

    /** {@return the width of the kernel, in steps of the signal} Positive. */
    int kernel();

    /** {@return the step between kernel positions} Positive. */
    int stride() default 1;

    /** {@return the border handling} {@link Padding#VALID} (no padding) by default, as in Keras and PyTorch. */
    Padding padding() default Padding.VALID;

    /** {@return whether to add a learned per-channel bias} */
    boolean bias() default true;
}
