package dev.lamina.processor.shape;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.SEED_LAYERS;
import static dev.lamina.processor.testing.Models.assertErrorAt;
import static dev.lamina.processor.testing.Models.compileWithLamina;
import static dev.lamina.processor.testing.Models.model;
import static dev.lamina.processor.testing.Models.readAndInfer;

import com.google.testing.compile.Compilation;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.SourceRef;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class ShapeInferenceTest {

    private static Map<String, Shape> outputs(ModelIR model) {
        Map<String, Shape> outputs = new LinkedHashMap<>();
        for (LayerNode layer : model.layers()) {
            outputs.put(layer.name(), layer.output());
        }
        return outputs;
    }

    private static Map<String, Long> parameterCounts(ModelIR model) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (LayerNode layer : model.layers()) {
            if (layer.parameterCount() != 0) {
                counts.put(layer.name(), layer.parameterCount());
            }
        }
        return counts;
    }

    @Test
    void seedNetworkShapes() {
        ModelIR model = readAndInfer(model("SeedNet",
                "input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY", SEED_LAYERS));

        assertThat(outputs(model)).containsExactly(
                "conv1", Shape.of(32, 26, 26),
                "bn1", Shape.of(32, 26, 26),
                "act1", Shape.of(32, 26, 26),
                "drop1", Shape.of(32, 26, 26),
                "pool1", Shape.of(32, 13, 13),
                "conv2", Shape.of(64, 11, 11),
                "bn2", Shape.of(64, 11, 11),
                "act2", Shape.of(64, 11, 11),
                "drop2", Shape.of(64, 11, 11),
                "pool2", Shape.of(64, 5, 5),
                "flatten", Shape.of(1600),
                "fc1", Shape.of(512),
                "act3", Shape.of(512),
                "logits", Shape.of(10)).inOrder();
        assertThat(model.output()).isEqualTo(Shape.of(10));
    }

    @Test
    void seedNetworkInputsChainOutputs() {
        ModelIR model = readAndInfer(model("SeedNet", "input = {1, 28, 28}", SEED_LAYERS));

        Shape previous = Shape.of(1, 28, 28);
        for (LayerNode layer : model.layers()) {
            assertThat(layer.input()).isEqualTo(previous);
            previous = layer.output();
        }
    }

    @Test
    void seedNetworkParameterCounts() {
        ModelIR model = readAndInfer(model("SeedNet", "input = {1, 28, 28}", SEED_LAYERS));

        assertThat(parameterCounts(model)).containsExactly(
                "conv1", 320L,      // 32 * 1 * 3 * 3 + 32
                "bn1", 64L,         // gamma and beta over 32 channels
                "conv2", 18_496L,   // 64 * 32 * 3 * 3 + 64
                "bn2", 128L,
                "fc1", 819_712L,    // 1600 * 512 + 512
                "logits", 5_130L)   // 512 * 10 + 10
                .inOrder();
        assertThat(model.parameterCount()).isEqualTo(320 + 64 + 18_496 + 128 + 819_712 + 5_130);
    }

    @Test
    void samePaddingWithStrideTwoRoundsUp() {
        ModelIR model = readAndInfer(model("Same", "input = {3, 27, 28}",
                "@Conv2d(filters = 16, kernel = 3, stride = 2, padding = Padding.SAME) Layer conv1();",
                "@Conv2d(filters = 8, kernel = 5, padding = Padding.SAME) Layer conv2();",
                "@Conv2d(filters = 4, kernel = 9, stride = 3, padding = Padding.SAME) Layer conv3();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();"));

        assertThat(outputs(model)).containsAtLeast(
                "conv1", Shape.of(16, 14, 14),  // ceil(27 / 2), ceil(28 / 2)
                "conv2", Shape.of(8, 14, 14),   // stride 1 keeps the size
                "conv3", Shape.of(4, 5, 5),     // a kernel larger than the input is padded
                "flatten", Shape.of(100)).inOrder();
    }

    @Test
    void validPaddingWithStrideFloors() {
        ModelIR model = readAndInfer(model("Valid", "input = {3, 27, 10}",
                "@Conv2d(filters = 6, kernel = 3, stride = 2) Layer conv1();",
                "@Conv2d(filters = 6, kernel = 4, stride = 3, bias = false) Layer conv2();",
                "@Flatten Layer flatten();",
                "@Dense(value = 3, bias = false) Layer out();"));

        assertThat(outputs(model)).containsExactly(
                "conv1", Shape.of(6, 13, 4),   // floor((27 - 3) / 2) + 1, floor((10 - 3) / 2) + 1
                "conv2", Shape.of(6, 4, 1),    // floor((13 - 4) / 3) + 1, floor((4 - 4) / 3) + 1
                "flatten", Shape.of(24),
                "out", Shape.of(3)).inOrder();
        assertThat(parameterCounts(model)).containsExactly(
                "conv1", 6L * 3 * 3 * 3 + 6,
                "conv2", 6L * 6 * 4 * 4,       // no bias
                "out", 24L * 3).inOrder();
    }

    @Test
    void poolingStrideDefaultsToTheWindowAndCanOverlap() {
        ModelIR model = readAndInfer(model("Pools", "input = {2, 13, 12}",
                "@MaxPool2d(value = 3, stride = 2) Layer overlapping();",
                "@AvgPool2d(2) Layer tiled();",
                "@Flatten Layer flatten();",
                "@Dense(1) Layer out();"));

        assertThat(outputs(model)).containsAtLeast(
                "overlapping", Shape.of(2, 6, 5),  // floor((13 - 3) / 2) + 1, floor((12 - 3) / 2) + 1
                "tiled", Shape.of(2, 3, 2)).inOrder();
        assertThat(model.layers().get(1).spec()).isEqualTo(new LayerSpec.Pool2d(LayerSpec.Pool2d.Mode.AVG, 2, 2));
    }

    @Test
    void nonSquareKernelsAndStridesWorkPerAxis() {
        ModelIR model = readAndInfer(model("Tall", "input = {2, 13, 12}",
                "@Conv2d(filters = 4, kernel = {3, 1}, stride = {2, 1}) Layer valid();",
                "@Conv2d(filters = 3, kernel = {1, 4}, stride = {1, 3}, padding = Padding.SAME) Layer same();",
                "@MaxPool2d(value = {2, 1}) Layer pool();",
                "@AvgPool2d(value = {1, 2}, stride = {1, 0}) Layer avg();",
                "@Flatten Layer flatten();",
                "@Dense(1) Layer out();"));

        assertThat(outputs(model)).containsAtLeast(
                "valid", Shape.of(4, 6, 12),  // floor((13 - 3) / 2) + 1, floor((12 - 1) / 1) + 1
                "same", Shape.of(3, 6, 4),    // ceil(6 / 1), ceil(12 / 3)
                "pool", Shape.of(3, 3, 4),    // stride defaults to the window {2, 1}
                "avg", Shape.of(3, 3, 2)).inOrder();  // stride {1, 0}: the 0 is the window's width 2
        assertThat(parameterCounts(model)).containsAtLeast("valid", 4L * 2 * 3 * 1 + 4, "same", 3L * 4 * 1 * 4 + 3);
        assertThat(model.layers().get(0).spec()).isEqualTo(
                new LayerSpec.Conv2d(4, 3, 1, 2, 1, LayerSpec.Conv2d.Padding.VALID, true));
        assertThat(model.layers().get(3).spec()).isEqualTo(
                new LayerSpec.Pool2d(LayerSpec.Pool2d.Mode.AVG, 1, 2, 1, 2, LayerSpec.Conv2d.Padding.VALID));
    }

    @Test
    void samePaddedPoolingRoundsUpAndNeedsNoFit() {
        ModelIR model = readAndInfer(model("Padded", "input = {2, 5, 7}",
                "@MaxPool2d(value = 2, padding = Padding.SAME) Layer max();",
                "@AvgPool2d(value = {3, 3}, stride = 1, padding = Padding.SAME) Layer avg();",
                "@MaxPool2d(value = {4, 1}, stride = {2, 1}, padding = Padding.SAME) Layer tall();",
                "@Flatten Layer flatten();",
                "@Dense(1) Layer out();"));

        assertThat(outputs(model)).containsAtLeast(
                "max", Shape.of(2, 3, 4),   // ceil(5 / 2), ceil(7 / 2)
                "avg", Shape.of(2, 3, 4),   // stride 1 keeps the size
                "tall", Shape.of(2, 2, 4)).inOrder();  // a window of 4 rows on 3: SAME pads instead of failing
    }

    @Test
    void vectorModelKeepsShapesThroughNormalisationAndActivations() {
        ModelIR model = readAndInfer(model("Mlp", "input = 784, loss = Loss.MSE",
                "@Dense(128) Layer fc1();",
                "@BatchNorm(momentum = 0.01) Layer bn1();",
                "@LeakyReLU(0.2) Layer act1();",
                "@Dropout Layer drop1();",
                "@Dense(10) Layer fc2();",
                "@Tanh Layer act2();",
                "@Softmax Layer probs();"));

        assertThat(model.input()).isEqualTo(Shape.of(784));
        assertThat(outputs(model)).containsExactly(
                "fc1", Shape.of(128),
                "bn1", Shape.of(128),
                "act1", Shape.of(128),
                "drop1", Shape.of(128),
                "fc2", Shape.of(10),
                "act2", Shape.of(10),
                "probs", Shape.of(10)).inOrder();
        assertThat(parameterCounts(model)).containsExactly(
                "fc1", 784L * 128 + 128, "bn1", 256L, "fc2", 1_290L).inOrder();
    }

    // ---- errors, through the full processor -------------------------------------------------------

    @Test
    void windowLargerThanItsInput() {
        JavaFileObject source = model("Deep", "input = {1, 28, 28}",
                "@Conv2d(filters = 32, kernel = 3) Layer conv1();",
                "@MaxPool2d(2) Layer pool1();",
                "@Conv2d(filters = 64, kernel = 3) Layer conv2();",
                "@MaxPool2d(2) Layer pool2();",
                "@Conv2d(filters = 64, kernel = 5) Layer conv3();",
                "@MaxPool2d(2) Layer pool3();",
                "@Flatten Layer flatten();",
                "@Dense(10) Layer logits();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/InfeasibleWindow] MaxPool2d 'pool3': window 2 is larger than its"
                + " input [64, 1, 1] (height 1)", source, "pool3()", "2)");
    }

    @Test
    void kernelWiderThanItsInput() {
        JavaFileObject source = model("Narrow", "input = {1, 10, 3}",
                "@Conv2d(filters = 4, kernel = 5) Layer conv1();",
                "@Flatten Layer flatten();",
                "@Dense(10) Layer logits();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation,
                "[Lamina/InfeasibleWindow] Conv2d 'conv1': kernel 5 is larger than its input [1, 10, 3] (width 3)",
                source, "conv1()", "5)");
    }

    @Test
    void nonSquareWindowTallerThanItsInputNamesBothSides() {
        JavaFileObject source = model("Flat", "input = {1, 2, 9}",
                "@AvgPool2d(value = {3, 1}) Layer pool();",
                "@Flatten Layer flatten();",
                "@Dense(10) Layer logits();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation,
                "[Lamina/InfeasibleWindow] AvgPool2d 'pool': window 3x1 is larger than its input [1, 2, 9] (height 2)",
                source, "pool()", "{3, 1}");
    }

    @Test
    void denseFedAnImageNeedsFlatten() {
        JavaFileObject source = model("NoFlatten", "input = {1, 28, 28}",
                "@Conv2d(filters = 64, kernel = 5, stride = 5) Layer conv1();",
                "@Dense(512) Layer fc1();",
                "@Dense(10) Layer logits();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MissingFlatten] Dense 'fc1' needs a vector input but gets"
                + " [64, 5, 5]; add @Flatten before it", source, "fc1()", "@Dense");
    }

    @Test
    void softmaxOnAnImage() {
        JavaFileObject source = model("ImageSoftmax", "input = {3, 8, 8}",
                "@Conv2d(filters = 8, kernel = 3) Layer conv1();",
                "@Softmax Layer probs();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("[Lamina/MissingFlatten] Softmax 'probs' needs a vector input but gets"
                        + " [8, 6, 6]; add @Flatten before it")
                .inFile(source)
                .onLineContaining("probs()");
    }

    @Test
    void flattenOnAVector() {
        JavaFileObject source = model("DoubleFlatten", "input = {1, 4, 4}",
                "@Flatten Layer flatten1();",
                "@Flatten Layer flatten2();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining(Messages.nothingToFlatten("flatten2", Shape.of(16)))
                .inFile(source)
                .onLineContaining("flatten2()");
        assertThat(Messages.nothingToFlatten("flatten2", Shape.of(16))).isEqualTo(
                "[Lamina/RankMismatch] Flatten 'flatten2' needs an image input [channels, height, width] but"
                        + " gets [16], which is already a vector: there is nothing to flatten; remove @Flatten");
    }

    @Test
    void globalAveragePoolingTurnsAnImageIntoAVectorOfItsChannels() {
        ModelIR model = readAndInfer(model("Gap", "input = {3, 7, 5}",
                "@Conv2d(filters = 8, kernel = 3) Layer conv();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(2) Layer out();"));

        assertThat(outputs(model)).containsExactly(
                "conv", Shape.of(8, 5, 3),
                "gap", Shape.of(8),
                "out", Shape.of(2)).inOrder();
        assertThat(parameterCounts(model)).doesNotContainKey("gap");
    }

    @Test
    void globalAveragePoolingOnAVector() {
        JavaFileObject source = model("VectorGap", "input = 100",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining(Messages.needsImage("GlobalAvgPool2d", "gap", Shape.of(100)))
                .inFile(source)
                .onLineContaining("gap()");
    }

    @Test
    void convolutionAndPoolingOnAVector() {
        JavaFileObject source = model("VectorConv", "input = 100",
                "@Conv2d(filters = 4, kernel = 3) Layer conv1();",
                "@Dense(2) Layer out();");
        JavaFileObject pool = model("VectorPool", "input = 100",
                "@AvgPool2d(2) Layer pool1();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source, pool);

        assertThat(compilation).hadErrorCount(2);
        assertThat(compilation)
                .hadErrorContaining("[Lamina/RankMismatch] Conv2d 'conv1' needs an image input"
                        + " [channels, height, width] but gets [100]")
                .inFile(source)
                .onLineContaining("conv1()");
        assertThat(compilation)
                .hadErrorContaining("[Lamina/RankMismatch] AvgPool2d 'pool1' needs an image input"
                        + " [channels, height, width] but gets [100]")
                .inFile(pool)
                .onLineContaining("pool1()");
    }

    @Test
    void lossNeedsAVectorOutput() {
        JavaFileObject source = model("ImageOut", "input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY",
                "@Conv2d(filters = 8, kernel = 3) Layer conv1();",
                "@MaxPool2d(2) Layer pool1();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/RankMismatch] loss SOFTMAX_CROSS_ENTROPY needs a vector output"
                + " [units] but the last layer 'pool1' gives [8, 13, 13]; end the model with @Flatten and @Dense",
                source, "@Sequential", ".SOFTMAX_CROSS_ENTROPY");
    }

    @Test
    void inferenceStopsAtTheFirstShapeError() {
        JavaFileObject source = model("TwoShapeErrors", "input = {1, 4, 4}",
                "@Dense(8) Layer fc1();",
                "@Conv2d(filters = 1, kernel = 9) Layer conv1();",
                "@Softmax Layer probs();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("Dense 'fc1'").inFile(source).onLineContaining("fc1()");
    }

    @Test
    void hugeInputIsAnErrorNotAnOverflow() {
        JavaFileObject source = model("HugeInput", "input = {50000, 50000, 50000}",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("[Lamina/TensorTooLarge] @Sequential input [50000, 50000, 50000] would hold"
                        + " 125000000000000 elements per example, more than 2147483647")
                .inFile(source)
                .onLineContaining("@Sequential");
    }

    @Test
    void hugeConvolutionOutputIsAnError() {
        JavaFileObject source = model("HugeConv", "input = {1, 40000, 40000}",
                "@Conv2d(filters = 2, kernel = 1) Layer conv1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation)
                .hadErrorContaining("[Lamina/TensorTooLarge] Conv2d 'conv1': output [2, 40000, 40000] of one"
                        + " example would hold 3200000000 elements, more than 2147483647")
                .inFile(source)
                .onLineContaining("conv1()");
    }

    @Test
    void hugeWeightTensorsAreErrorsNotOverflows() {
        JavaFileObject conv = model("HugeKernel", "input = {2147483647, 1, 1}",
                "@Conv2d(filters = 2147483647, kernel = 2147483647, padding = Padding.SAME) Layer conv1();",
                "@Flatten Layer flatten();");
        JavaFileObject dense = model("HugeDense", "input = 1600",
                "@Dense(2147483647) Layer fc1();");

        Compilation compilation = compileWithLamina(conv, dense);

        assertThat(compilation).hadErrorCount(2);
        BigInteger max = BigInteger.valueOf(Integer.MAX_VALUE);
        assertThat(compilation)
                .hadErrorContaining(Messages.tensorTooLarge("Conv2d", "conv1", "its weight tensor", max.pow(4)))
                .inFile(conv)
                .onLineContaining("conv1()");
        assertThat(compilation)
                .hadErrorContaining(Messages.tensorTooLarge("Dense", "fc1", "its weight tensor",
                        max.multiply(BigInteger.valueOf(1600))))
                .inFile(dense)
                .onLineContaining("fc1()");
    }

    // ---- hand-built IR, without the compiler ------------------------------------------------------

    private static LayerNode node(String name, LayerSpec spec) {
        return new LayerNode(name, spec, null, null, SourceRef.NONE, List.of());
    }

    @Test
    void handBuiltModelGetsShapesAndKeepsEverythingElse() {
        ModelIR model = ModelIR.of("p", "M", null, Shape.of(3, 6, 6), Loss.MSE, List.of(
                node("c", new LayerSpec.Conv2d(5, 3, 1, LayerSpec.Conv2d.Padding.VALID, false)),
                node("f", new LayerSpec.Flatten()),
                node("d", new LayerSpec.Dense(2, true))));
        Report report = new Report(null);

        Optional<ModelIR> inferred = ShapeInference.infer(model, report);

        assertThat(report.items()).isEmpty();
        assertThat(inferred).isPresent();
        assertThat(outputs(inferred.get())).containsExactly(
                "c", Shape.of(5, 4, 4), "f", Shape.of(80), "d", Shape.of(2)).inOrder();
        assertThat(inferred.get().withSteps(model.layers())).isEqualTo(model);
        assertThat(inferred.get().layers().get(0).parameterCount()).isEqualTo(5 * 3 * 3 * 3);
    }

    @Test
    void handBuiltModelWithAnImageOutputReportsOnTheModel() {
        ModelIR model = ModelIR.of("p", "M", null, Shape.of(3, 6, 6), Loss.MSE, List.of(
                node("r", new LayerSpec.Activation(LayerSpec.Activation.Function.RELU, 0))));
        Report report = new Report(null);

        Optional<ModelIR> inferred = ShapeInference.infer(model, report);

        assertThat(inferred).isEmpty();
        assertThat(report.items()).hasSize(1);
        assertThat(report.items().get(0).message()).isEqualTo(
                "[Lamina/RankMismatch] loss MSE needs a vector output [units] but the last layer 'r' gives"
                        + " [3, 6, 6]; end the model with @Flatten and @Dense");
    }
}
