package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Softmax over the feature axis (axis 1) of {@code [N, F]} input. Shape is unchanged. Do not put it
 * before {@link Loss#SOFTMAX_CROSS_ENTROPY}, which applies softmax itself.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Softmax {}
