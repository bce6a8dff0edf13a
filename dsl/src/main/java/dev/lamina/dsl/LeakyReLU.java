package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Leaky rectified linear unit, elementwise: {@code x} for {@code x > 0}, {@code slope * x}
 * otherwise. Shape is unchanged.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface LeakyReLU {
    /** {@return the slope for negative inputs} PyTorch default 0.01. */
    double value() default 0.01;
}
