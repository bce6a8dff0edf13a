package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 2-D convolution (cross-correlation, as in PyTorch {@code Conv2d}) over NCHW input.
 *
 * <p>Input {@code [N, C, H, W]}, weight {@code [filters, C, KH, KW]}, bias {@code [filters]},
 * output {@code [N, filters, H_out, W_out]}. VALID: {@code H_out = floor((H - KH) / SH) + 1} and
 * {@code W_out = floor((W - KW) / SW) + 1}; SAME: {@code H_out = ceil(H / SH)}, {@code W_out = ceil(W / SW)}.
 * Weights and bias are initialised as in PyTorch: uniform in {@code ±1/sqrt(C * KH * KW)}.
 *
 * <p>{@code kernel} and {@code stride} take one value for a square window ({@code kernel = 3}) or two
 * for {@code {height, width}} ({@code kernel = {3, 1}, stride = {2, 1}}), as PyTorch's
 * {@code kernel_size=(3, 1)} and Keras' {@code kernel_size=(3, 1)}. Another count, zero or a negative
 * value is a compile error on the annotation.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Conv2d {
    /** {@return the number of output channels} Positive. */
    int filters();

    /**
     * {@return the kernel's size in pixels: {@code {side}} for a square kernel or {@code {KH, KW}}}
     * Each positive.
     */
    int[] kernel();

    /**
     * {@return the step between kernel positions in pixels: {@code {step}} on both axes or
     * {@code {SH, SW}}} Each positive; 1 by default.
     */
    int[] stride() default 1;

    /** {@return the border handling} {@link Padding#VALID} (no padding) by default, as in Keras and PyTorch. */
    Padding padding() default Padding.VALID;

    /** {@return whether to add a learned per-channel bias} */
    boolean bias() default true;
}
