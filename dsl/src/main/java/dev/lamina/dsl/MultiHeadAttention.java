package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Multi-head scaled dot-product self-attention over a token sequence {@code [N, T, D]} (Vaswani et
 * al. 2017, arXiv 1706.03762), with the output projection: queries, keys and values are
 * {@code x Wq + bq}, {@code x Wk + bk}, {@code x Wv + bv}, split into {@code heads} heads of
 * {@code D / heads} features; each head computes {@code softmax(Q K^T / sqrt(D / heads)) V}; the
 * heads are concatenated and projected by {@code Wo, bo}. Shape is unchanged. {@code heads} must
 * divide D (a compile error otherwise).
 *
 * <p>Each of the four projections ({@code [D, D]} and {@code [D]}) is initialised as a
 * {@link Dense} layer: uniform in {@code +-1/sqrt(D)}, PyTorch's {@code nn.Linear} default.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface MultiHeadAttention {
    /** {@return the number of heads} Positive, and a divisor of the sequence's features D. */
    int heads();

    /** {@return whether position t attends only to positions up to t} As in a GPT-style decoder. */
    boolean causal() default false;

    /**
     * {@return the probability of dropping each attention weight in training} In [0, 1); inverted
     * dropout, drawn from the model's dropout generator like {@link Dropout}.
     */
    double dropout() default 0.0;
}
