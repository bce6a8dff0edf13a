package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Global average pooling over one axis: the mean over the tokens of a sequence, {@code [N, T, D]} to
 * {@code [N, D]} (a Vision Transformer's mean pooling), or over the length of a signal,
 * {@code [N, C, L]} to {@code [N, C]} (PyTorch's {@code AdaptiveAvgPool1d(1)} then a flatten). Its
 * output is a vector.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface GlobalAvgPool1d {}
