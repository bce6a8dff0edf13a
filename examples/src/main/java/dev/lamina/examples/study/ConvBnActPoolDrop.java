package dev.lamina.examples.study;

import dev.lamina.dsl.BatchNorm;
import dev.lamina.dsl.Conv2d;
import dev.lamina.dsl.Dense;
import dev.lamina.dsl.Dropout;
import dev.lamina.dsl.ELU;
import dev.lamina.dsl.Flatten;
import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.dsl.MaxPool2d;
import dev.lamina.dsl.Sequential;

/**
 * The seed study's ordering {@code Conv-BN-Act-Pool-Drop}: both conv modules (32 and 64 3x3 filters, dropout 0.2
 * and 0.3, 2x2 max pooling) in this order, then Flatten, Dense 512, ELU and Dense 10 logits. The
 * seed thread's single Keras run reported a test loss of 0.0413 for it.
 */
@Sequential(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
public interface ConvBnActPoolDrop {
    @Conv2d(filters = 32, kernel = 3) Layer conv1();
    @BatchNorm Layer bn1();
    @ELU Layer act1();
    @MaxPool2d(2) Layer pool1();
    @Dropout(rate = 0.2) Layer drop1();
    @Conv2d(filters = 64, kernel = 3) Layer conv2();
    @BatchNorm Layer bn2();
    @ELU Layer act2();
    @MaxPool2d(2) Layer pool2();
    @Dropout(rate = 0.3) Layer drop2();
    @Flatten Layer flatten();
    @Dense(512) Layer fc1();
    @ELU Layer act3();
    @Dense(10) Layer logits();
}
