package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Batch normalisation (Ioffe and Szegedy 2015, arXiv 1502.03167) over the channel axis: axis 1 of
 * {@code [N, C, H, W]} (statistics over N, H, W) or of {@code [N, F]} (statistics over N).
 *
 * <p>Training normalises with the batch mean and biased batch variance and updates the running
 * statistics; inference uses the running statistics. Follows PyTorch's convention: {@code
 * running = (1 - momentum) * running + momentum * batch}, with the unbiased batch variance in the
 * running variance, momentum 0.1 and epsilon 1e-5. (Keras' momentum 0.99 is PyTorch's 0.01 and
 * leaves the running variance far from the data after one MNIST epoch.) Gamma starts at 1, beta at 0,
 * running mean at 0 and running variance at 1.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface BatchNorm {
    /** {@return the weight of the current batch in the running statistics} In (0, 1); PyTorch convention. */
    double momentum() default 0.1;

    /** {@return the constant added to the variance before the square root} Positive. */
    double epsilon() default 1e-5;
}
