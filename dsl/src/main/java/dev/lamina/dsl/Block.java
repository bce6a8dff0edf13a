package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a block: an ordered run of layers that a model uses through {@link Residual},
 * {@link Concat} or {@link Repeat}. Like {@link Sequential}, its abstract methods in source order are
 * its layers, each returning {@link Layer} with exactly one layer annotation; unlike it, a block has
 * no {@code input} and no {@code loss}: its shapes are inferred where it is used, from the input it
 * gets there, so one block can serve at several sizes.
 *
 * <p>Blocks nest: a block's method may itself carry {@code @Residual}, {@code @Concat} or
 * {@code @Repeat}. Each use of a block is a new copy with its own parameters, and its layers are
 * named under the use: layer {@code conv1} of a block used by {@code @Residual} method {@code res}
 * inside the third unit of {@code @Repeat} method {@code stage1} is {@code stage1[2].res.conv1}.
 * Nothing is generated for a block itself, and a block that no model uses is not checked.
 *
 * <pre>{@code
 * @Block interface Basic16 {
 *     @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();
 *     @BatchNorm Layer bn1();
 *     @ReLU Layer relu1();
 *     @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();
 *     @BatchNorm Layer bn2();
 * }
 * }</pre>
 *
 * <p>Errors, reported by the processor where the block is used or declared: a block with no layers;
 * a block that contains itself, directly or through other blocks; an interface that is both a
 * {@code @Block} and a {@code @Sequential} model; layer methods malformed as in a model; a layer
 * that cannot take the shape it gets in some use (reported on the layer and on the use).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Block {}
