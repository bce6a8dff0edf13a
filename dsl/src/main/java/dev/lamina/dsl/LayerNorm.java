package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Layer normalisation (Ba, Kiros and Hinton 2016, arXiv 1607.06450) over the last axis, as PyTorch's
 * {@code nn.LayerNorm(D, eps)}: each example's vector {@code [D]}, or each token of a sequence
 * {@code [T, D]}, is normalised by its own mean and biased variance, then scaled by gamma and
 * shifted by beta per feature. Training and inference compute the same thing (no running
 * statistics). Gamma starts at 1, beta at 0. Shape is unchanged.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface LayerNorm {
    /** {@return the constant added to the variance before the square root} Positive; PyTorch's default. */
    double eps() default 1e-5;
}
