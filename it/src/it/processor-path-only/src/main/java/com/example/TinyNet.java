package com.example;

import dev.lamina.dsl.Conv2d;
import dev.lamina.dsl.Dense;
import dev.lamina.dsl.Flatten;
import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.dsl.MaxPool2d;
import dev.lamina.dsl.ReLU;
import dev.lamina.dsl.Sequential;

/** A small image classifier: 8x8 grey images into 3 classes. */
@Sequential(input = {1, 8, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
public interface TinyNet {
    @Conv2d(filters = 4, kernel = 3) Layer conv();
    @MaxPool2d(2) Layer pool();
    @ReLU Layer act();
    @Flatten Layer flatten();
    @Dense(3) Layer logits();
}
