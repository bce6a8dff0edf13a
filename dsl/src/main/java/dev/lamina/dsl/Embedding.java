package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A learned lookup table: token ids {@code [N, T]} to a token sequence {@code [N, T, dim]}, row
 * {@code id} of the table {@code [vocabulary, dim]} for each id (PyTorch's {@code nn.Embedding}).
 * It takes the model's input, which must be declared token ids with
 * {@code @Sequential(input = {T}, tokens = true)}; an id outside {@code [0, vocabulary)} is an
 * exception naming it. The table starts as independent N(0, 1) draws, as in PyTorch.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Embedding {
    /** {@return the number of distinct token ids} Positive; ids run from 0 to {@code vocabulary - 1}. */
    int vocabulary();

    /** {@return the features per token, D} Positive. */
    int dim();
}
