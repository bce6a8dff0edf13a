package dev.lamina.spark;

import dev.lamina.dsl.Dense;
import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.dsl.Sequential;
import dev.lamina.dsl.Tanh;

/**
 * A small classifier without BatchNorm or dropout, whose steps on partitions of a batch can be compared
 * with one step on the whole batch; the processor generates {@code LaminaTinyNet}.
 */
@Sequential(input = {6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
public interface TinyNet {
    @Dense(8) Layer hidden();
    @Tanh Layer act();
    @Dense(3) Layer logits();
}
