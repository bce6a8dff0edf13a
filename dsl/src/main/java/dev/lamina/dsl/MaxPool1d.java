package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 1-D max pooling over signals {@code [N, C, L]}: output {@code [N, C, L_out]},
 * {@code L_out = floor((L - size) / stride) + 1} (PyTorch's {@code MaxPool1d}). No padding.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface MaxPool1d {
    /** {@return the width of the window} Positive and at most the input length. */
    int value();

    /** {@return the step between windows} 0 (the default) means the window size, as in PyTorch. */
    int stride() default 0;
}
