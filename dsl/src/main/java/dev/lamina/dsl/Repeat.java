package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * {@code times} copies of the {@link Block} named by {@code value} in a row, each with its own
 * parameters: the stages of a ResNet (He et al. 2016, arXiv 1512.03385, Table 1) or the layers of
 * a DenseNet dense block (Huang et al. 2017, arXiv 1608.06993).
 *
 * <pre>{@code
 * @Repeat(value = Unit16.class, times = 3) Layer stage1();
 * }</pre>
 *
 * <p>Shapes: each copy gets the previous copy's output, the first one this layer's input.
 *
 * <p>Names: for method {@code stage1}, the copies are {@code stage1[0]} to
 * {@code stage1[times - 1]}, and the layers of copy {@code i} are {@code stage1[i].<method>}.
 *
 * <p>Errors: a class that is not a {@code @Block}; {@code times < 1}; a model that, with every
 * repeat expanded, has more layers than the processor accepts.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Repeat {
    /** {@return the repeated unit, a {@code @Block} interface} */
    Class<?> value();

    /** {@return the number of copies} At least 1. */
    int times();
}
