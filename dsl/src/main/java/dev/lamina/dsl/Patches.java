package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Cuts an image {@code [N, C, H, W]} into non-overlapping {@code size x size} patches, one token per
 * patch in row-major order, each flattened in (channel, row, column) order: a token sequence
 * {@code [N, (H/size) (W/size), C size size]}. A Vision Transformer's patch embedding is
 * {@code @Patches} followed by {@code @Dense} (Dosovitskiy et al. 2021, arXiv 2010.11929; the same
 * as a {@code size x size} convolution with stride {@code size}). {@code size} must divide H and W
 * (a compile error otherwise). No parameters.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Patches {
    /** {@return the side of each square patch, in pixels} Positive; divides the height and the width. */
    int size();
}
