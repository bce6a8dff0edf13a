package dev.lamina.spark;

import dev.lamina.dsl.BatchNorm;
import dev.lamina.dsl.Dense;
import dev.lamina.dsl.Dropout;
import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.dsl.ReLU;
import dev.lamina.dsl.Sequential;

/**
 * A small classifier with BatchNorm running statistics and dropout masks, the parts of a step that
 * depend on more than the parameters; the processor generates {@code LaminaTinyBnNet}.
 */
@Sequential(input = {6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
public interface TinyBnNet {
    @Dense(value = 8, bias = false) Layer hidden();
    @BatchNorm Layer bn();
    @ReLU Layer act();
    @Dropout(rate = 0.25) Layer drop();
    @Dense(3) Layer logits();
}
