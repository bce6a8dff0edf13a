package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 2-D average pooling over NCHW input with a square window: output {@code [N, C, H_out, W_out]},
 * {@code H_out = floor((H - size) / stride) + 1}. No padding.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface AvgPool2d {
    /** {@return the side of the square window, in pixels} Positive and at most the input height and width. */
    int value();

    /** {@return the step between windows, in pixels} 0 (the default) means the window size, as in PyTorch. */
    int stride() default 0;
}
