package dev.lamina.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A learned position embedding added to a token sequence: {@code y[t] = x[t] + p[t]} with
 * {@code p} of shape {@code [T, D]} (as in GPT-2 and ViT, Dosovitskiy et al. 2021, arXiv 2010.11929).
 * Shape is unchanged. {@code p} starts as independent N(0, 0.02^2) draws, the standard deviation of
 * GPT-2's {@code initializer_range} and of timm's ViT {@code pos_embed} (a normal truncated at
 * +-2, which at 0.02 truncates nothing that occurs).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface PositionalEmbedding {}
