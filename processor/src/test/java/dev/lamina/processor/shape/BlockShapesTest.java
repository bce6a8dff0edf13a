package dev.lamina.processor.shape;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Blocks.TINY_RESNET;
import static dev.lamina.processor.testing.Blocks.readAndInferCompile;
import static dev.lamina.processor.testing.Models.assertErrorAt;
import static dev.lamina.processor.testing.Models.model;
import static dev.lamina.processor.testing.Models.readAndInfer;

import com.google.testing.compile.Compilation;
import dev.lamina.processor.ir.Concat;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Shapes through block uses: each block is inferred with the input it gets where it is used. */
class BlockShapesTest {

    private static Map<String, Shape> outputs(ModelIR model) {
        Map<String, Shape> outputs = new LinkedHashMap<>();
        model.layers().forEach(l -> outputs.put(l.name(), l.output()));
        return outputs;
    }

    private static LayerNode layer(ModelIR model, String name) {
        return model.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    // ---- shapes ------------------------------------------------------------------------------------

    @Test
    void tinyResNet() {
        ModelIR model = readAndInfer(model("TinyResNet", "input = {3, 32, 32}", TINY_RESNET));

        assertThat(outputs(model)).containsAtLeast(
                "conv1", Shape.of(16, 32, 32),
                "stage1[0].res.conv1", Shape.of(16, 32, 32),
                "stage1[0].res", Shape.of(16, 32, 32),
                "stage1[2].relu", Shape.of(16, 32, 32),
                "down2.conv1", Shape.of(32, 16, 16),          // SAME, stride 2: ceil(32 / 2)
                "down2.bn2", Shape.of(32, 16, 16),
                "down2.shortcut.conv", Shape.of(32, 16, 16),  // 1x1, stride 2: (32 - 1) / 2 + 1
                "down2", Shape.of(32, 16, 16),
                "gap", Shape.of(32),
                "fc", Shape.of(10)).inOrder();
        // A junction's input is its block's input x; a residual's output is its addition's.
        Residual down = (Residual) model.steps().get(6);
        assertThat(down.input()).isEqualTo(Shape.of(16, 32, 32));
        assertThat(down.output()).isEqualTo(Shape.of(32, 16, 16));
        assertThat(layer(model, "down2.shortcut.conv").input()).isEqualTo(Shape.of(16, 32, 32));
        Group last = (Group) model.steps().get(5);
        assertThat(last.input()).isEqualTo(Shape.of(16, 32, 32));
        assertThat(model.output()).isEqualTo(Shape.of(10));
        // Each copy has its own parameters: 3 units of two 3x3x16x16 convolutions and two batch norms.
        assertThat(layer(model, "stage1[1].res.conv2").parameterCount()).isEqualTo(16 * 16 * 3 * 3);
        assertThat(model.parameterCount()).isEqualTo(
                16 * 3 * 9 + 32                          // stem conv and BN
                + 3 * (2 * (16 * 16 * 9) + 2 * 32)       // stage1
                + 32 * 16 * 9 + 64 + 32 * 32 * 9 + 64    // down2's body
                + 32 * 16 + 64                           // its projection
                + 32 * 10 + 10);                         // fc
    }

    @Test
    void denseNetLayersGrowTheChannelsByTheGrowthRate() {
        ModelIR model = readAndInfer(model("DenseNetBlock", "input = {16, 8, 8}",
                "@Repeat(value = DenseLayer.class, times = 3) Layer dense1();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface DenseLayer {",
                "    @Concat(value = Bottleneck.class, withInput = true) Layer concat();",
                "}",
                "@Block interface Bottleneck {",
                "    @BatchNorm Layer bn1();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 48, kernel = 1, bias = false) Layer conv1();",
                "    @BatchNorm Layer bn2();",
                "    @ReLU Layer relu2();",
                "    @Conv2d(filters = 12, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
                "}"));

        assertThat(layer(model, "dense1[0].concat").output()).isEqualTo(Shape.of(28, 8, 8));
        assertThat(layer(model, "dense1[1].concat").output()).isEqualTo(Shape.of(40, 8, 8));
        assertThat(layer(model, "dense1[2].concat").output()).isEqualTo(Shape.of(52, 8, 8));
        assertThat(layer(model, "dense1[0].concat").spec()).isEqualTo(new LayerSpec.Concat(List.of(16, 12)));
        assertThat(layer(model, "dense1[2].concat").spec()).isEqualTo(new LayerSpec.Concat(List.of(40, 12)));
        assertThat(layer(model, "dense1[1].concat").input()).isEqualTo(Shape.of(28, 8, 8));
        assertThat(layer(model, "dense1[1].concat.bottleneck.conv1").parameterCount()).isEqualTo(48 * 28);
        assertThat(layer(model, "gap").output()).isEqualTo(Shape.of(52));
    }

    @Test
    void inceptionModuleConcatenatesItsBranchesOnTheChannelAxis() {
        ModelIR model = readAndInfer(model("Inception", "input = {192, 28, 28}",
                "@Concat({Branch1x1.class, Branch3x3.class, Branch5x5.class}) Layer inception3a();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface Branch1x1 {",
                "    @Conv2d(filters = 64, kernel = 1) Layer conv();",
                "    @ReLU Layer relu();",
                "}",
                "@Block interface Branch3x3 {",
                "    @Conv2d(filters = 96, kernel = 1) Layer reduce();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 128, kernel = 3, padding = Padding.SAME) Layer conv();",
                "    @ReLU Layer relu2();",
                "}",
                "@Block interface Branch5x5 {",
                "    @Conv2d(filters = 16, kernel = 1) Layer reduce();",
                "    @ReLU Layer relu1();",
                "    @Conv2d(filters = 32, kernel = 5, padding = Padding.SAME) Layer conv();",
                "    @ReLU Layer relu2();",
                "}"));

        Concat inception = (Concat) model.steps().get(0);
        assertThat(inception.input()).isEqualTo(Shape.of(192, 28, 28));
        assertThat(inception.output()).isEqualTo(Shape.of(224, 28, 28));
        assertThat(inception.concat().spec()).isEqualTo(new LayerSpec.Concat(List.of(64, 128, 32)));
        assertThat(inception.branches().get(1).steps().get(3).output()).isEqualTo(Shape.of(128, 28, 28));
        assertThat(layer(model, "inception3a.branch5x5.conv").input()).isEqualTo(Shape.of(16, 28, 28));
    }

    @Test
    void vectorsConcatenateOnTheFeatureAxisAfterTheInput() {
        ModelIR model = readAndInfer(model("WideAndNarrow", "input = 20",
                "@Concat(value = {Wide.class, Narrow.class}, withInput = true) Layer features();",
                "@Dense(2) Layer out();",
                "@Block interface Wide {",
                "    @Dense(8) Layer fc();",
                "    @ReLU Layer relu();",
                "}",
                "@Block interface Narrow {",
                "    @Dense(4) Layer fc();",
                "}"));

        assertThat(layer(model, "features").output()).isEqualTo(Shape.of(32));
        assertThat(layer(model, "features").input()).isEqualTo(Shape.of(20));
        assertThat(layer(model, "features").spec()).isEqualTo(new LayerSpec.Concat(List.of(20, 8, 4)));
        assertThat(layer(model, "out").parameterCount()).isEqualTo(32 * 2 + 2);
    }

    @Test
    void oneBlockAtTwoSizes() {
        ModelIR model = readAndInfer(model("TwoSizes", "input = {4, 16, 16}",
                "@Residual(Keep.class) Layer big();",
                "@MaxPool2d(2) Layer pool();",
                "@Residual(Keep.class) Layer small();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();",
                "@Block interface Keep {",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME) Layer conv();",
                "}"));

        assertThat(layer(model, "big.conv").output()).isEqualTo(Shape.of(4, 16, 16));
        assertThat(layer(model, "small.conv").output()).isEqualTo(Shape.of(4, 8, 8));
        assertThat(layer(model, "flatten").output()).isEqualTo(Shape.of(256));
    }

    // ---- residual shapes that differ ---------------------------------------------------------------

    @Test
    void residualWhoseBodyDownsamplesNeedsAProjectionShortcut() {
        JavaFileObject source = model("NoProjection", "input = {16, 32, 32}",
                "@Residual(Down32.class) Layer down();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface Down32 {",
                "    @Conv2d(filters = 32, kernel = 3, stride = 2, padding = Padding.SAME) Layer conv();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/ShapeMismatch] @Residual 'down': the body Down32 gives [32, 16, 16] but"
                + " the identity shortcut gives [16, 32, 32]; S(x) + F(x) needs both of the same shape. Fix: add"
                + " shortcut = a @Block with @Conv2d(filters = 32, kernel = 1, stride = 2, bias = false) and"
                + " @BatchNorm", source, "down()", "@Residual");
    }

    @Test
    void residualWhoseShortcutDoesNotDownsampleGetsTheProjectionThatFits() {
        JavaFileObject source = model("WrongShortcut", "input = {16, 31, 31}",
                "@Residual(value = Down.class, shortcut = Widen.class) Layer down();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface Down {",
                "    @Conv2d(filters = 64, kernel = 3, stride = 4, padding = Padding.SAME) Layer conv();",
                "}",
                "@Block interface Widen {",
                "    @Conv2d(filters = 64, kernel = 1) Layer conv();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        // ceil(31 / 4) = 8: the stride that fits, though 31 / 8 is not whole.
        assertErrorAt(compilation, "[Lamina/ShapeMismatch] @Residual 'down': the body Down gives [64, 8, 8] but the"
                + " shortcut Widen gives [64, 31, 31]; S(x) + F(x) needs both of the same shape. Fix: use as shortcut"
                + " a @Block with @Conv2d(filters = 64, kernel = 1, stride = 4, bias = false) and @BatchNorm",
                source, "down()", "@Residual");
    }

    @Test
    void residualOfVectorsSuggestsADenseProjection() {
        JavaFileObject source = model("VectorResidual", "input = 20",
                "@Residual(Narrow.class) Layer res();",
                "@Dense(2) Layer out();",
                "@Block interface Narrow {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/ShapeMismatch] @Residual 'res': the body Narrow gives [8] but the identity"
                + " shortcut gives [20]; S(x) + F(x) needs both of the same shape. Fix: add shortcut = a @Block with"
                + " @Dense(value = 8, bias = false)", source, "res()", "@Residual");
    }

    @Test
    void residualWithoutAFittingProjection() {
        JavaFileObject source = model("Pooled", "input = {8, 4, 4}",
                "@Residual(Pool.class) Layer res();",
                "@Dense(2) Layer out();",
                "@Block interface Pool {",
                "    @GlobalAvgPool2d Layer gap();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/ShapeMismatch] @Residual 'res': the body Pool gives [8] but the identity"
                + " shortcut gives [8, 4, 4]; S(x) + F(x) needs both of the same shape. Fix: no 1x1 projection"
                + " shortcut maps the input [8, 4, 4] to [8]; change the body so that its output fits a shortcut",
                source, "res()", "@Residual");
    }

    @Test
    void projectionSuggestions() {
        assertThat(ProjectionShortcut.suggest(Shape.of(16, 32, 32), Shape.of(32, 32, 32)))
                .isEqualTo("a @Block with @Conv2d(filters = 32, kernel = 1, bias = false) and @BatchNorm");
        assertThat(ProjectionShortcut.suggest(Shape.of(16, 7, 9), Shape.of(8, 4, 5)))
                .isEqualTo("a @Block with @Conv2d(filters = 8, kernel = 1, stride = 2, bias = false) and @BatchNorm");
        assertThat(ProjectionShortcut.suggest(Shape.of(16, 8, 8), Shape.of(16, 16, 16))).isNull(); // upsampling
        assertThat(ProjectionShortcut.suggest(Shape.of(16, 8, 8), Shape.of(16, 4, 2))).isEqualTo(   // no one stride
                "a @Block with @Conv2d(filters = 16, kernel = 1, stride = {2, 4}, bias = false) and @BatchNorm");
        assertThat(ProjectionShortcut.suggest(Shape.of(16, 9, 8), Shape.of(16, 3, 3))).isEqualTo(
                "a @Block with @Conv2d(filters = 16, kernel = 1, stride = 3, bias = false) and @BatchNorm");
        assertThat(ProjectionShortcut.suggest(Shape.of(16, 10, 10), Shape.of(16, 4, 5))).isEqualTo(
                "a @Block with @Conv2d(filters = 16, kernel = 1, stride = {3, 2}, bias = false) and @BatchNorm");
        assertThat(ProjectionShortcut.suggest(Shape.of(16, 10, 10), Shape.of(16, 4, 4))).isEqualTo(
                "a @Block with @Conv2d(filters = 16, kernel = 1, stride = 3, bias = false) and @BatchNorm");
        assertThat(ProjectionShortcut.suggest(Shape.of(16, 5, 10), Shape.of(16, 2, 7))).isNull(); // ceil(10 / s) skips 7
    }

    // ---- concatenations that do not fit ------------------------------------------------------------

    @Test
    void inceptionPoolBranchWithoutPaddingNamesEveryBranchShape() {
        JavaFileObject source = model("UnpaddedPool", "input = {192, 28, 28}",
                "@Concat({Branch1x1.class, BranchPool.class}) Layer mixed();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface Branch1x1 {",
                "    @Conv2d(filters = 64, kernel = 1) Layer conv();",
                "}",
                "@Block interface BranchPool {",
                "    @MaxPool2d(value = 3, stride = 1) Layer pool();",
                "    @Conv2d(filters = 32, kernel = 1) Layer proj();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/ShapeMismatch] @Concat 'mixed': images are concatenated on the channel"
                + " axis and need the same height and width, but branch 'mixed.branch1x1' gives [64, 28, 28],"
                + " branch 'mixed.branchPool' gives [32, 26, 26]", source, "mixed()", "@Concat");
    }

    @Test
    void concatWithTheInputNamesItToo() {
        JavaFileObject source = model("DenseDown", "input = {16, 8, 8}",
                "@Concat(value = Down.class, withInput = true) Layer concat();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(10) Layer fc();",
                "@Block interface Down {",
                "    @Conv2d(filters = 12, kernel = 3, stride = 2, padding = Padding.SAME) Layer conv();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/ShapeMismatch] @Concat 'concat': images are concatenated on the channel"
                + " axis and need the same height and width, but the input x is [16, 8, 8], branch 'concat.down'"
                + " gives [12, 4, 4]", source, "concat()", "@Concat");
    }

    @Test
    void concatThatMixesImagesAndVectors() {
        JavaFileObject source = model("Mixed", "input = {4, 6, 6}",
                "@Concat({Pooled.class, Kept.class}) Layer mixed();",
                "@Dense(2) Layer out();",
                "@Block interface Pooled {",
                "    @GlobalAvgPool2d Layer gap();",
                "}",
                "@Block interface Kept {",
                "    @ReLU Layer relu();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/RankMismatch] @Concat 'mixed' mixes images and vectors: branch"
                + " 'mixed.pooled' gives [4], branch 'mixed.kept' gives [4, 6, 6]; make every part an image, or every"
                + " part a vector (e.g. with @GlobalAvgPool2d or @Flatten at the end of each image branch)",
                source, "mixed()", "@Concat");
    }

    @Test
    void concatWhoseOutputIsTooLarge() {
        JavaFileObject source = model("Doubled", "input = {1, 32768, 32768}",
                "@Concat(value = Same.class, withInput = true) Layer twice();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(2) Layer out();",
                "@Block interface Same {",
                "    @ReLU Layer relu();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/TensorTooLarge] Concat 'twice': its output of one example would hold"
                + " 2147483648 elements, more than 2147483647", source, "twice()", "@Concat");
    }

    // ---- problems inside a block: on the layer and on the model's use ----------------------------------

    @Test
    void denseWithoutFlattenInABlockIsReportedOnTheLayerAndOnTheUse() {
        JavaFileObject source = model("Headless", "input = {3, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3) Layer conv();",
                "@Repeat(value = Head.class, times = 2) Layer heads();",
                "@Dense(2) Layer out();",
                "@Block interface Head {",
                "    @ReLU Layer relu();",
                "    @Dense(10) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MissingFlatten] Dense 'heads[0].fc' needs a vector input but gets"
                + " [4, 6, 6]; add @Flatten before it", source, "@Dense(10) Layer fc()", "@Dense");
        assertErrorAt(compilation, "[Lamina/MissingFlatten] in @Repeat 'heads' (block Head): Dense 'heads[0].fc' needs"
                + " a vector input but gets [4, 6, 6]; add @Flatten before it", source, "heads()", "@Repeat");
    }

    @Test
    void residualMismatchInsideARepeatIsReportedOnTheBlocksResidualAndOnTheModelsUse() {
        JavaFileObject source = model("Shrinking", "input = {4, 8, 8}",
                "@Repeat(value = Stage.class, times = 3) Layer stages();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();",
                "@Block interface Stage {",
                "    @Residual(Same.class) Layer res();",
                "    @MaxPool2d(2) Layer pool();",
                "}",
                "@Block interface Same {",
                "    @Conv2d(filters = 4, kernel = 3) Layer conv();",
                "    @ReLU Layer relu();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        // The first copy's VALID 3x3 conv turns [4, 8, 8] into [4, 6, 6], which the identity shortcut
        // cannot add to [4, 8, 8]: inference stops at this first problem.
        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/ShapeMismatch] @Residual 'stages[0].res': the body Same gives [4, 6, 6] but"
                + " the identity shortcut gives [4, 8, 8]; S(x) + F(x) needs both of the same shape. Fix: no 1x1"
                + " projection shortcut maps the input [4, 8, 8] to [4, 6, 6]; change the body so that its output"
                + " fits a shortcut", source, "res()", "@Residual");
        assertErrorAt(compilation, "[Lamina/ShapeMismatch] in @Repeat 'stages' (block Stage): @Residual 'stages[0].res':"
                + " the body Same gives [4, 6, 6] but the identity shortcut gives [4, 8, 8]", source, "stages()",
                "@Repeat");
    }

    @Test
    void windowTooLargeInALaterCopyNamesThatCopy() {
        JavaFileObject source = model("Halving", "input = {4, 8, 8}",
                "@Repeat(value = Halve.class, times = 4) Layer halves();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();",
                "@Block interface Halve {",
                "    @Residual(Same.class) Layer res();",
                "    @MaxPool2d(value = 2) Layer pool();",
                "}",
                "@Block interface Same {",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME) Layer conv();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        // 8 -> 4 -> 2 -> 1, and the fourth copy's 2x2 window does not fit 1x1.
        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/InfeasibleWindow] MaxPool2d 'halves[3].pool': window 2 is larger than its"
                + " input [4, 1, 1] (height 1)", source, "pool()", "2)");
        assertErrorAt(compilation, "[Lamina/InfeasibleWindow] in @Repeat 'halves' (block Halve): MaxPool2d"
                + " 'halves[3].pool': window 2 is larger than its input [4, 1, 1] (height 1)", source, "halves()",
                "@Repeat");
    }

    @Test
    void problemInAResidualShortcutNamesBothBlocksAtTheUse() {
        JavaFileObject source = model("BadShortcut", "input = {8, 4, 4}",
                "@Residual(value = Same.class, shortcut = Vec.class) Layer res();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();",
                "@Block interface Same {",
                "    @ReLU Layer relu();",
                "}",
                "@Block interface Vec {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MissingFlatten] Dense 'res.shortcut.fc' needs a vector input but gets"
                + " [8, 4, 4]; add @Flatten before it", source, "fc()", "@Dense");
        assertErrorAt(compilation, "[Lamina/MissingFlatten] in @Residual 'res' (blocks Same, Vec): Dense"
                + " 'res.shortcut.fc' needs a vector input but gets [8, 4, 4]; add @Flatten before it",
                source, "res()", "@Residual");
    }

    @Test
    void modelThatEndsInABlockWithAnImageNamesTheLastJunctionForTheLoss() {
        JavaFileObject source = model("EndsInImage", "input = {4, 4, 4}",
                "@Residual(Same.class) Layer res();",
                "@Block interface Same {",
                "    @ReLU Layer relu();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Lamina/RankMismatch] loss SOFTMAX_CROSS_ENTROPY needs a vector"
                + " output [units] but the last layer 'res' gives [4, 4, 4]");
    }
}
