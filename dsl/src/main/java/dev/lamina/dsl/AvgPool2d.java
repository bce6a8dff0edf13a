package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * 2-D average pooling over NCHW input: output {@code [N, C, H_out, W_out]}, the mean of each window.
 *
 * <p>The window ({@code value}) and {@code stride} take one value for a square ({@code @AvgPool2d(2)})
 * or two for {@code {height, width}} ({@code @AvgPool2d(value = {3, 1}, stride = {2, 1})}). Another
 * count, a window side below 1 or a negative stride is a compile error on the annotation.
 *
 * <p>{@code padding} is spelled as Keras' pooling {@code padding='valid'|'same'} and as
 * {@link Conv2d#padding()}: {@link Padding#VALID} (the default) reads no padding,
 * {@code H_out = floor((H - KH) / SH) + 1}, and needs the window to fit the input;
 * {@link Padding#SAME} gives {@code H_out = ceil(H / SH)}, padding {@code max((H_out - 1) * SH + KH - H, 0)}
 * rows of which the odd one goes below (likewise columns, the odd one right). The
 * padded cells are left out of the mean, as in Keras/TensorFlow {@code padding="same"}: a window
 * over {@code m} input cells divides their sum by {@code m} (PyTorch's {@code count_include_pad=False},
 * not its default).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface AvgPool2d {
    /**
     * {@return the window's size in pixels: {@code {side}} for a square window or {@code {KH, KW}}}
     * Each positive; with VALID padding at most the input's height and width.
     */
    int[] value();

    /**
     * {@return the step between windows in pixels: {@code {step}} on both axes or {@code {SH, SW}}}
     * 0 (the default, also per axis) means the window's size on that axis, as in PyTorch.
     */
    int[] stride() default 0;

    /** {@return the border handling} {@link Padding#VALID} (no padding) by default, as in Keras and PyTorch. */
    Padding padding() default Padding.VALID;
}
