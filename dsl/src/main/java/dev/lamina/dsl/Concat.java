package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Parallel branches whose outputs are concatenated: each {@link Block} in {@code value} gets this
 * layer's input {@code x}, and their outputs, after {@code x} itself when {@code withInput}, are
 * joined on the channel axis of images or the feature axis of vectors. An Inception module is
 * {@code @Concat({Branch1x1.class, Branch3x3.class, Branch5x5.class, BranchPool.class})} (Szegedy
 * et al. 2015, "Going Deeper with Convolutions", arXiv 1409.4842); a DenseNet layer is
 * {@code @Concat(value = Bottleneck.class, withInput = true)} (Huang et al. 2017, "Densely Connected
 * Convolutional Networks", arXiv 1608.06993).
 *
 * <p>Shapes: images {@code [C1, H, W], [C2, H, W], ...} give {@code [C1 + C2 + ..., H, W]}, and all
 * parts must have the same height and width; vectors {@code [F1], [F2], ...} give
 * {@code [F1 + F2 + ...]}. Images and vectors do not mix.
 *
 * <p>Names: for method {@code mixed}, a branch of block {@code Branch3x3} is
 * {@code mixed.branch3x3} (the block's simple name with its first letter in lower case), with
 * {@code _<i>} appended, {@code i} its index in {@code value}, when several branches use the same
 * block; its layers are {@code mixed.branch3x3.<method>}, and the concatenation itself is
 * {@code mixed}.
 *
 * <p>Errors: no block in {@code value}; a class that is not a {@code @Block}; parts whose height and
 * width differ, or that mix images and vectors.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Concat {
    /** {@return the branches, {@code @Block} interfaces, in concatenation order} At least one. */
    Class<?>[] value();

    /** {@return whether the input {@code x} comes first in the concatenation} As in DenseNet. */
    boolean withInput() default false;
}
