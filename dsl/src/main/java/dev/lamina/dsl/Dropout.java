package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inverted dropout (Srivastava et al. 2014): in training, each unit is zeroed with probability
 * {@code rate} and the survivors are scaled by {@code 1 / (1 - rate)}; in inference it is the
 * identity. Shape is unchanged. Masks are drawn from the model's seeded generator.
 *
 * <p>{@code rate} is the probability of <em>dropping</em> a unit, as in Keras and PyTorch (DL4J's
 * {@code dropOut(x)} is the retain probability).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Dropout {
    /** {@return the probability of dropping each unit} In [0, 1); PyTorch default 0.5. */
    double rate() default 0.5;
}
