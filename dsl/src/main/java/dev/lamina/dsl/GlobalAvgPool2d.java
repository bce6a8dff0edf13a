package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Global average pooling: {@code [N, C, H, W]} to {@code [N, C]}, the mean of each channel over its
 * {@code H * W} positions (Lin et al. 2014, "Network In Network", arXiv 1312.4400; PyTorch's
 * {@code AdaptiveAvgPool2d(1)} followed by a flatten, Keras' {@code GlobalAveragePooling2D}). Its
 * output is a vector, so no {@code @Flatten} is needed before a {@code @Dense}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface GlobalAvgPool2d {}
