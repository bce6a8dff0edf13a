package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gaussian error linear unit (Hendrycks and Gimpel 2016, arXiv 1606.08415), elementwise:
 * {@code x * Phi(x)} with the standard normal CDF in its exact erf form, PyTorch's {@code nn.GELU()}
 * default. {@code @GELU(approximate = GELU.Approximation.TANH)} uses the tanh approximation
 * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, PyTorch's {@code approximate='tanh'}, as
 * GPT-2 does. Shape is unchanged.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface GELU {
    /** Which form of the normal CDF, named as PyTorch's {@code approximate} argument. */
    enum Approximation {
        /** The exact erf form. */
        NONE,
        /** The tanh approximation. */
        TANH
    }

    /** {@return the form of the normal CDF} {@link Approximation#NONE}, the exact form, by default. */
    Approximation approximate() default Approximation.NONE;
}
