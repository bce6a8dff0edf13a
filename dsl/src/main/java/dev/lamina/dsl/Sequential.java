package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a feed-forward network whose layers are this interface's abstract methods, in source
 * order.
 *
 * <p>The annotation processor generates a final class {@code Lamina<InterfaceName>} in the same
 * package that implements the interface; obtain an instance with its static factory
 * {@code Lamina<InterfaceName>.create(seed)}.
 *
 * <pre>{@code
 * @Sequential(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
 * public interface SeedNet {
 *     @Conv2d(filters = 32, kernel = 3) Layer conv1();
 *     ...
 *     @Dense(10) Layer logits();
 * }
 * }</pre>
 *
 * <p>A GPT-style decoder reads token ids:
 *
 * <pre>{@code
 * @Sequential(input = {64}, tokens = true)
 * public interface TinyGpt {
 *     @Embedding(vocabulary = 100, dim = 32) Layer embed();
 *     @PositionalEmbedding Layer position();
 *     ...
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Sequential {
    /**
     * {@return the shape of one input example without the batch axis} {@code {C, H, W}} for images
     * (NCHW), {@code {C, L}} for signals (PyTorch's {@code Conv1d} layout), {@code {features}} for
     * vectors, or {@code {T}} for token ids with {@link #tokens()}. Every entry must be positive.
     */
    int[] input();

    /**
     * {@return whether the input is integer token ids} With {@code tokens = true}, {@code input =
     * {T}} declares sequences of T ids: the model takes an {@code INT} or {@code LONG} array
     * {@code [N, T]}, whose first layer is an {@link Embedding}. Sequences have this fixed length.
     */
    boolean tokens() default false;

    /** {@return the loss the network trains on} It consumes the last layer's output. */
    Loss loss() default Loss.SOFTMAX_CROSS_ENTROPY;
}
