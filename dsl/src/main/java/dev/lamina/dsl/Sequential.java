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
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Sequential {
    /**
     * {@return the shape of one input example without the batch axis} {@code {C, H, W}} for images
     * (NCHW) or {@code {features}} for vectors. Every entry must be positive.
     */
    int[] input();

    /** {@return the loss the network trains on} It consumes the last layer's output. */
    Loss loss() default Loss.SOFTMAX_CROSS_ENTROPY;
}
