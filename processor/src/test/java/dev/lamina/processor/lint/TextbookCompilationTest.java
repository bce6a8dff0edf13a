package dev.lamina.processor.lint;

import static dev.lamina.processor.lint.LintCompilation.assertNoDiagnostics;
import static dev.lamina.processor.lint.LintCompilation.compile;

import dev.lamina.processor.lint.LintCompilation.Model;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Precision at the source: published architectures written in the DSL (scaled down, with the layer
 * order of the papers) compile through the whole processor with no diagnostic at all, no lint
 * warning and no note. The same networks as hand-built IR are {@link Textbook}'s.
 */
class TextbookCompilationTest {
    private static final String SAME = "padding = Padding.SAME, bias = false";

    @BeforeEach
    void needsBlocks() {
        Assumptions.assumeTrue(LintCompilation.dslHasBlocks(), "the DSL has no @Block yet");
    }

    /** He et al. 2015: basic units, a downsampling unit with a projection shortcut (conv 1x1 stride 2, BN). */
    @Test
    void resnetWithBasicUnits() {
        assertNoDiagnostics(compile(new Model("input = {3, 32, 32}",
                "@Conv2d(filters = 16, kernel = 3, " + SAME + ") Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@ReLU Layer relu1();",
                "@Repeat(value = Unit16.class, times = 3) Layer stage1();",
                "@Residual(value = Down32.class, shortcut = Proj32.class) Layer down2();",
                "@ReLU Layer relu2();",
                "@Repeat(value = Unit32.class, times = 2) Layer stage2();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface Unit16 { @Residual(Basic16.class) Layer res(); @ReLU Layer relu(); }",
                "@Block interface Basic16 {",
                "    @Conv2d(filters = 16, kernel = 3, " + SAME + ") Layer conv1();",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 16, kernel = 3, " + SAME + ") Layer conv2();",
                "    @BatchNorm Layer bn2();",
                "}",
                "@Block interface Down32 {",
                "    @Conv2d(filters = 32, kernel = 3, stride = 2, " + SAME + ") Layer conv1();",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 32, kernel = 3, " + SAME + ") Layer conv2();",
                "    @BatchNorm Layer bn2();",
                "}",
                "@Block interface Proj32 {",
                "    @Conv2d(filters = 32, kernel = 1, stride = 2, bias = false) Layer conv();",
                "    @BatchNorm Layer bn();",
                "}",
                "@Block interface Unit32 { @Residual(Basic32.class) Layer res(); @ReLU Layer relu(); }",
                "@Block interface Basic32 {",
                "    @Conv2d(filters = 32, kernel = 3, " + SAME + ") Layer conv1();",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 32, kernel = 3, " + SAME + ") Layer conv2();",
                "    @BatchNorm Layer bn2();",
                "}").source()));
    }

    /** He et al. 2015: bottleneck units (1x1, 3x3, 1x1 with 4x expansion) and projection shortcuts. */
    @Test
    void resnetWithBottleneckUnits() {
        assertNoDiagnostics(compile(new Model("input = {3, 32, 32}",
                "@Conv2d(filters = 16, kernel = 3, " + SAME + ") Layer conv1();",
                "@BatchNorm Layer bn1();",
                "@ReLU Layer relu1();",
                "@Residual(value = Bottleneck16.class, shortcut = Proj64.class) Layer proj1();",
                "@ReLU Layer relu2();",
                "@Repeat(value = Unit16.class, times = 2) Layer stage1();",
                "@Residual(value = Bottleneck32Down.class, shortcut = Proj128.class) Layer down2();",
                "@ReLU Layer relu3();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface Unit16 { @Residual(Bottleneck16.class) Layer res(); @ReLU Layer relu(); }",
                "@Block interface Bottleneck16 {",
                "    @Conv2d(filters = 16, kernel = 1, bias = false) Layer conv1();",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 16, kernel = 3, " + SAME + ") Layer conv2();",
                "    @BatchNorm Layer bn2();",
                "    @ReLU Layer relu2();",
                "    @Conv2d(filters = 64, kernel = 1, bias = false) Layer conv3();",
                "    @BatchNorm Layer bn3();",
                "}",
                "@Block interface Proj64 {",
                "    @Conv2d(filters = 64, kernel = 1, bias = false) Layer conv();",
                "    @BatchNorm Layer bn();",
                "}",
                "@Block interface Bottleneck32Down {",
                "    @Conv2d(filters = 32, kernel = 1, bias = false) Layer conv1();",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 32, kernel = 3, stride = 2, " + SAME + ") Layer conv2();",
                "    @BatchNorm Layer bn2();",
                "    @ReLU Layer relu2();",
                "    @Conv2d(filters = 128, kernel = 1, bias = false) Layer conv3();",
                "    @BatchNorm Layer bn3();",
                "}",
                "@Block interface Proj128 {",
                "    @Conv2d(filters = 128, kernel = 1, stride = 2, bias = false) Layer conv();",
                "    @BatchNorm Layer bn();",
                "}").source()));
    }

    /**
     * He et al. 2016: full pre-activation units after a plain stem conv, a projection conv where the
     * shape changes, and BN-ReLU after the last addition.
     */
    @Test
    void fullPreActivationResnet() {
        assertNoDiagnostics(compile(new Model("input = {3, 32, 32}",
                "@Conv2d(filters = 16, kernel = 3, " + SAME + ") Layer conv1();",
                "@Repeat(value = Unit16.class, times = 2) Layer stage1();",
                "@Residual(value = PreActDown32.class, shortcut = Proj32.class) Layer down2();",
                "@Repeat(value = Unit32.class, times = 2) Layer stage2();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface Unit16 { @Residual(PreAct16.class) Layer res(); }",
                "@Block interface PreAct16 {",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 16, kernel = 3, " + SAME + ") Layer conv1();",
                "    @BatchNorm Layer bn2();",
                "    @ReLU Layer relu2();",
                "    @Conv2d(filters = 16, kernel = 3, " + SAME + ") Layer conv2();",
                "}",
                "@Block interface PreActDown32 {",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 32, kernel = 3, stride = 2, " + SAME + ") Layer conv1();",
                "    @BatchNorm Layer bn2();",
                "    @ReLU Layer relu2();",
                "    @Conv2d(filters = 32, kernel = 3, " + SAME + ") Layer conv2();",
                "}",
                "@Block interface Proj32 { @Conv2d(filters = 32, kernel = 1, stride = 2, bias = false) Layer conv(); }",
                "@Block interface Unit32 { @Residual(PreAct32.class) Layer res(); }",
                "@Block interface PreAct32 {",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 32, kernel = 3, " + SAME + ") Layer conv1();",
                "    @BatchNorm Layer bn2();",
                "    @ReLU Layer relu2();",
                "    @Conv2d(filters = 32, kernel = 3, " + SAME + ") Layer conv2();",
                "}").source()));
    }

    /**
     * Huang et al. 2017, DenseNet-BC for CIFAR: {@code @Concat(value = Bottleneck.class, withInput =
     * true)} layers of BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k), a transition BN-ReLU-Conv1x1-AvgPool,
     * BN-ReLU before the global pool.
     */
    @Test
    void denseNetBC() {
        assertNoDiagnostics(compile(new Model("input = {3, 32, 32}",
                "@Conv2d(filters = 24, kernel = 3, " + SAME + ") Layer conv0();",
                "@Repeat(value = DenseLayer.class, times = 3) Layer block1();",
                "@BatchNorm Layer trans1Bn();",
                "@ReLU Layer trans1Relu();",
                "@Conv2d(filters = 30, kernel = 1, bias = false) Layer trans1Conv();",
                "@AvgPool2d(2) Layer trans1Pool();",
                "@Repeat(value = DenseLayer.class, times = 3) Layer block2();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface DenseLayer { @Concat(value = Bottleneck.class, withInput = true) Layer layer(); }",
                "@Block interface Bottleneck {",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 48, kernel = 1, bias = false) Layer conv1();",
                "    @BatchNorm Layer bn2();",
                "    @ReLU Layer relu2();",
                "    @Conv2d(filters = 12, kernel = 3, " + SAME + ") Layer conv2();",
                "}").source()));
    }

    /**
     * Szegedy et al. 2015, an Inception module's 1x1, 1x1-3x3 and 1x1-5x5 branches (each ending in
     * ReLU, biases on, no batch norm) and GoogLeNet's head. The pool-projection branch needs a padded
     * 3x3 pool with stride 1 to keep the size, which the DSL's pooling does not have; the hand-built
     * IR test covers it ({@link Textbook#inception}).
     */
    @Test
    void inceptionModule() {
        assertNoDiagnostics(compile(new Model("input = {3, 32, 32}",
                "@Conv2d(filters = 32, kernel = 3, padding = Padding.SAME) Layer conv1();",
                "@ReLU Layer relu1();",
                "@Concat({Branch1x1.class, Branch3x3.class, Branch5x5.class}) Layer mixed();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dropout(rate = 0.4) Layer drop();",
                "@Dense(10) Layer fc();",
                "@Block interface Branch1x1 { @Conv2d(filters = 16, kernel = 1) Layer conv(); @ReLU Layer relu(); }",
                "@Block interface Branch3x3 {",
                "    @Conv2d(filters = 24, kernel = 1) Layer reduce();",
                "    @ReLU Layer reduceRelu();",
                "    @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME) Layer conv();",
                "    @ReLU Layer relu();",
                "}",
                "@Block interface Branch5x5 {",
                "    @Conv2d(filters = 4, kernel = 1) Layer reduce();",
                "    @ReLU Layer reduceRelu();",
                "    @Conv2d(filters = 8, kernel = 5, padding = Padding.SAME) Layer conv();",
                "    @ReLU Layer relu();",
                "}").source()));
    }
}
