package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Flattens {@code [N, C, H, W]} to {@code [N, C * H * W]} in C (row-major) order; likewise a
 * sequence {@code [N, T, D]} or a signal {@code [N, C, L]}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Flatten {}
