package dev.lamina.examples.models;

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
 * A small residual network for MNIST ({@code lamina train --model resnet}), built from the
 * <b>original</b> residual units of He, Zhang, Ren and Sun, "Deep Residual Learning for Image
 * Recognition" (CVPR 2016, arXiv:1512.03385), not the pre-activation units of their follow-up
 * (He et al. 2016, "Identity Mappings in Deep Residual Networks", arXiv:1603.05027): at ten weight
 * layers the two train alike, the follow-up's gains are for networks of a hundred layers and more.
 *
 * <ul>
 *   <li>A unit is {@code relu(x + F(x))} with {@code F = conv-BN-ReLU-conv-BN}, 3x3 convolutions
 *       with SAME padding (the paper's Fig. 2 and Fig. 5 left; BN right after each convolution
 *       and before the activation, §3.4). The branch ends in BatchNorm, not ReLU, and nothing
 *       normalises the sum.</li>
 *   <li>The layout follows the paper's CIFAR-10 networks (§4.2): a 3x3 convolution with 16
 *       filters, then stages of 16, 32 and 64 filters on maps of 28x28, 14x14 and 7x7, each
 *       new stage starting with a stride-2 convolution, then global average pooling and a
 *       10-way fully connected layer. Where the shape changes, the shortcut is a projection,
 *       a 1x1 convolution with stride 2 and BatchNorm (option B, §3.3, Eq. 2, as in the
 *       paper's ImageNet models and torchvision's {@code resnet}); elsewhere it is the identity.</li>
 *   <li>Four units (the paper's CIFAR networks have {@code 3n} with {@code n = 3} to 18): an
 *       identity unit at 16 channels; a downsampling unit and an identity unit at 32; a
 *       downsampling unit at 64. Ten weight layers in all (the stem, eight in the units, the
 *       classifier), so that two epochs on 2 CPU cores take minutes. Convolutions have no bias:
 *       the BatchNorm after each cancels it.</li>
 * </ul>
 *
 * <p>Shapes: {@code [1, 28, 28] -> [16, 28, 28] -> [32, 14, 14] -> [64, 7, 7] -> [64] -> [10]}.
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
