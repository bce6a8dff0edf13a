package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Sigmoid linear unit (also called swish), {@code x * sigmoid(x)}, elementwise (Elfwing et al.
 * 2018, arXiv 1702.03118; PyTorch's {@code nn.SiLU}). Shape is unchanged.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface SiLU {}
