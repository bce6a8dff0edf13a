package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exponential linear unit (Clevert et al. 2015, arXiv 1511.07289), elementwise:
 * {@code x} for {@code x > 0}, {@code alpha * (exp(x) - 1)} otherwise. Shape is unchanged.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface ELU {
    /** {@return the saturation value for negative inputs} PyTorch and Keras default 1.0. */
    double alpha() default 1.0;
}
