package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A residual unit: output {@code S(x) + F(x)}, where {@code x} is this layer's input, {@code F} the
 * {@link Block} named by {@code value} (the body) and {@code S} the block named by {@code shortcut},
 * the identity by default (He et al. 2016, "Deep Residual Learning for Image Recognition", arXiv
 * 1512.03385; "Identity Mappings in Deep Residual Networks", arXiv 1603.05027).
 *
 * <pre>{@code
 * @Residual(Basic16.class) Layer res();                                // x + F(x)
 * @Residual(value = Down32.class, shortcut = Proj32.class) Layer down2(); // S(x) + F(x)
 * }</pre>
 *
 * <p>Shapes: both paths get {@code x}; their outputs must have the same shape, which is the
 * output's. When they differ the processor reports both shapes and suggests the projection
 * shortcut that would fit (a 1x1 {@code @Conv2d} with the body's filters and stride, then
 * {@code @BatchNorm}, as in He et al. 2016, option B).
 *
 * <p>Names: for method {@code down2}, the body's layers are {@code down2.<method>}, the shortcut's
 * {@code down2.shortcut.<method>}, and the addition itself is {@code down2}.
 *
 * <p>Errors: a class that is not a {@code @Block} in {@code value} or {@code shortcut}; outputs of
 * different shapes.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Residual {
    /** {@return the body F, a {@code @Block} interface} */
    Class<?> value();

    /** {@return the shortcut S, a {@code @Block} interface} {@link Identity} (the default) for {@code S(x) = x}. */
    Class<?> shortcut() default Identity.class;

    /**
     * The identity shortcut, {@code S(x) = x}: the default of {@link Residual#shortcut()}. Not a
     * block; it only marks that the shortcut has no layers.
     */
    interface Identity {}
}
