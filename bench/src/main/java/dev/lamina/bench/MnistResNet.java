package dev.lamina.bench;

import dev.lamina.dsl.BatchNorm;
import dev.lamina.dsl.Block;
import dev.lamina.dsl.Conv2d;
import dev.lamina.dsl.Dense;
import dev.lamina.dsl.GlobalAvgPool2d;
import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.dsl.Padding;
import dev.lamina.dsl.ReLU;
import dev.lamina.dsl.Repeat;
import dev.lamina.dsl.Residual;
import dev.lamina.dsl.Sequential;

/**
 * The examples' MNIST ResNet, a copy of {@code dev.lamina.examples.models.MnistResNet} (whose Javadoc
 * describes it), so that the benchmark does not depend on the examples module. {@link Dl4jResNet}
 * builds the same network in DL4J; {@link CompileCost#MNIST_RESNET} is the same text without comments.
 */
@Sequential(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
public interface MnistResNet {
    @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();
    @BatchNorm Layer bn1();
    @ReLU Layer relu1();
    @Repeat(value = Unit16.class, times = 1) Layer stage1();
    @Residual(value = Down32.class, shortcut = Proj32.class) Layer down2();
    @ReLU Layer relu2();
    @Repeat(value = Unit32.class, times = 1) Layer stage2();
    @Residual(value = Down64.class, shortcut = Proj64.class) Layer down3();
    @ReLU Layer relu3();
    @GlobalAvgPool2d Layer gap();
    @Dense(10) Layer fc();

    /** An identity-shortcut unit at 16 channels: {@code relu(x + Basic16(x))}. */
    @Block interface Unit16 {
        @Residual(Basic16.class) Layer res();
        @ReLU Layer relu();
    }

    /** The residual branch at 16 channels, 28x28. */
    @Block interface Basic16 {
        @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();
        @BatchNorm Layer bn1();
        @ReLU Layer relu1();
        @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();
        @BatchNorm Layer bn2();
    }

    /** The branch that starts stage 2: stride 2 to 14x14, 32 channels. */
    @Block interface Down32 {
        @Conv2d(filters = 32, kernel = 3, stride = 2, padding = Padding.SAME, bias = false) Layer conv1();
        @BatchNorm Layer bn1();
        @ReLU Layer relu1();
        @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();
        @BatchNorm Layer bn2();
    }

    /**
     * Its projection shortcut: {@code [16, 28, 28] -> [32, 14, 14]}. A 1x1 convolution with stride 2
     * reads every other row and column, as in the paper; the branch beside it reads all of them.
     */
    @Block interface Proj32 {
        @Conv2d(filters = 32, kernel = 1, stride = 2, bias = false) Layer conv();
        @BatchNorm Layer bn();
    }

    /** An identity-shortcut unit at 32 channels. */
    @Block interface Unit32 {
        @Residual(Basic32.class) Layer res();
        @ReLU Layer relu();
    }

    /** The residual branch at 32 channels, 14x14. */
    @Block interface Basic32 {
        @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();
        @BatchNorm Layer bn1();
        @ReLU Layer relu1();
        @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();
        @BatchNorm Layer bn2();
    }

    /** The branch that starts stage 3: stride 2 to 7x7, 64 channels. */
    @Block interface Down64 {
        @Conv2d(filters = 64, kernel = 3, stride = 2, padding = Padding.SAME, bias = false) Layer conv1();
        @BatchNorm Layer bn1();
        @ReLU Layer relu1();
        @Conv2d(filters = 64, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();
        @BatchNorm Layer bn2();
    }

    /** Its projection shortcut: {@code [32, 14, 14] -> [64, 7, 7]}, reading every other row and column. */
    @Block interface Proj64 {
        @Conv2d(filters = 64, kernel = 1, stride = 2, bias = false) Layer conv();
        @BatchNorm Layer bn();
    }
}
