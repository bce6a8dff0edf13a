package dev.lamina.processor.shape;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.assertErrorAt;
import static dev.lamina.processor.testing.Models.compileWithLamina;
import static dev.lamina.processor.testing.Models.model;
import static dev.lamina.processor.testing.Models.readAndInfer;

import com.google.testing.compile.Compilation;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.testing.Transformers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Shapes with a layout (issue 13): token ids become a sequence {@code [T, D]} through
 * {@code @Embedding}, images through {@code @Patches}; sequence layers keep it, {@code @Dense} acts on
 * its last axis, {@code @GlobalAvgPool1d} averages it into a vector; a 2-D input is a signal
 * {@code [C, L]}. A layer given a layout it cannot take is an error naming both.
 */
class SequenceShapesTest {

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
            counts.put(layer.name(), layer.parameterCount());
        }
        return counts;
    }

    @Test
    void visionTransformerShapesAndParameters() {
        ModelIR model = readAndInfer(model("Vit", Transformers.VIT_INPUT, Transformers.VIT));

        Map<String, Shape> outputs = outputs(model);
        assertThat(outputs).containsAtLeast(
                "patches", Shape.sequence(4, 16),
                "embed", Shape.sequence(4, 8),
                "position", Shape.sequence(4, 8),
                "encoder[0].attention.attention", Shape.sequence(4, 8),
                "encoder[0].attention", Shape.sequence(4, 8),
                "encoder[1].mlp.fc1", Shape.sequence(4, 16),
                "encoder[1].mlp", Shape.sequence(4, 8),
                "norm", Shape.sequence(4, 8),
                "pool", Shape.of(8),
                "head", Shape.of(3)).inOrder();
        Map<String, Long> counts = parameterCounts(model);
        assertThat(counts).containsAtLeast(
                "patches", 0L,
                "embed", 16L * 8 + 8,
                "position", 4L * 8,
                "encoder[0].attention.ln", 2L * 8,
                "encoder[0].attention.attention", 4L * 8 * 8 + 4 * 8,
                "encoder[0].mlp.fc1", 8L * 16 + 16,
                "pool", 0L,
                "head", 8L * 3 + 3);
        assertThat(model.output()).isEqualTo(Shape.of(3));
    }

    @Test
    void decoderOverTokensGivesLogitsPerPosition() {
        ModelIR model = readAndInfer(model("Gpt", Transformers.GPT_INPUT, Transformers.GPT));

        assertThat(model.input()).isEqualTo(Shape.tokens(5));
        assertThat(outputs(model)).containsAtLeast(
                "tokens", Shape.sequence(5, 8),
                "attention.attention", Shape.sequence(5, 8),
                "mlp.fc1", Shape.sequence(5, 32),
                "logits", Shape.sequence(5, 7)).inOrder();
        assertThat(parameterCounts(model)).containsAtLeast("tokens", 7L * 8, "position", 5L * 8);
        assertThat(model.output()).isEqualTo(Shape.sequence(5, 7));
    }

    @Test
    void signalIsAveragedOverItsLength() {
        ModelIR model = readAndInfer(model("Signal", "input = {3, 40}",
                "@GELU Layer gelu();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();"));

        assertThat(outputs(model)).containsExactly(
                "gelu", Shape.of(3, 40),
                "pool", Shape.of(3),
                "out", Shape.of(2)).inOrder();
    }

    @Test
    void signalNetworkShapesAndParameters() {
        ModelIR model = readAndInfer(model("SignalCnn", "input = {2, 20}",
                "@Conv1d(filters = 4, kernel = 3) Layer conv1();",
                "@MaxPool1d(2) Layer pool();",
                "@Conv1d(filters = 6, kernel = 3, stride = 2, padding = Padding.SAME, bias = false) Layer conv2();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@GlobalAvgPool1d Layer gap();",
                "@Dense(2) Layer out();"));

        assertThat(outputs(model)).containsExactly(
                "conv1", Shape.of(4, 18),
                "pool", Shape.of(4, 9),
                "conv2", Shape.of(6, 5),
                "bn", Shape.of(6, 5),
                "relu", Shape.of(6, 5),
                "gap", Shape.of(6),
                "out", Shape.of(2)).inOrder();
        assertThat(parameterCounts(model)).containsAtLeast("conv1", 4L * 2 * 3 + 4, "conv2", 6L * 4 * 3, "bn", 12L);
    }

    @Test
    void residualOverSignalsSuggestsAStridedConv1dProjection() {
        JavaFileObject source = model("SignalRes", "input = {2, 9}",
                "@Residual(Down.class) Layer res();",
                "@GlobalAvgPool1d Layer gap();",
                "@Dense(2) Layer out();",
                "@Block interface Down { @Conv1d(filters = 4, kernel = 3, stride = 2, padding = Padding.SAME) Layer conv(); }");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Lamina/ShapeMismatch] @Residual 'res': the body Down gives"
                + " [C=4, L=5] but the identity shortcut gives [C=2, L=9]; S(x) + F(x) needs both of the same shape."
                + " Fix: add shortcut = a @Block with @Conv1d(filters = 4, kernel = 1, stride = 2, bias = false) and"
                + " @BatchNorm");
    }

    @Test
    void kernelLongerThanTheSignal() {
        JavaFileObject source = model("ShortSignal", "input = {2, 3}",
                "@Conv1d(filters = 4, kernel = 5) Layer conv();",
                "@GlobalAvgPool1d Layer gap();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/InfeasibleWindow] Conv1d 'conv': kernel 5 is larger than its input"
                + " [C=2, L=3] (length 3)", source, "conv()", "5)");
    }

    @Test
    void convolutionOverASequence() {
        JavaFileObject source = model("ConvSequence", "input = {6}, tokens = true",
                "@Embedding(vocabulary = 10, dim = 4) Layer embed();",
                "@Conv1d(filters = 4, kernel = 3) Layer conv();",
                "@GlobalAvgPool1d Layer gap();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/LayoutMismatch] Conv1d 'conv' takes a signal [C, L], but gets a token"
                + " sequence [T=6, D=4]", source, "conv()", "@Conv1d");
    }

    @Test
    void flattenTakesASequence() {
        ModelIR model = readAndInfer(model("FlatSeq", "input = {4}, tokens = true",
                "@Embedding(vocabulary = 10, dim = 3) Layer embed();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();"));

        assertThat(outputs(model).get("flatten")).isEqualTo(Shape.of(12));
    }

    @Test
    void patchesThatDoNotDivideTheImage() {
        JavaFileObject source = model("BadPatches", "input = {1, 28, 30}",
                "@Patches(size = 4) Layer patches();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/InfeasibleWindow] Patches 'patches': patch size 4 does not divide the"
                + " width 30 of its input [1, 28, 30]; patch sizes that divide both are 2", source, "patches()", "4)");
    }

    @Test
    void patchesThatDivideNeitherAxis() {
        assertThat(Messages.patchesDoNotDivide("p", 5, Shape.of(3, 7, 11))).isEqualTo("[Lamina/InfeasibleWindow]"
                + " Patches 'p': patch size 5 does not divide the height 7 and width 11 of its input [3, 7, 11]; no"
                + " patch size above 1 divides both; resize the input");
    }

    @Test
    void headsThatDoNotDivideTheWidth() {
        JavaFileObject source = model("BadHeads", "input = {6}, tokens = true",
                "@Embedding(vocabulary = 10, dim = 10) Layer embed();",
                "@MultiHeadAttention(heads = 3) Layer attention();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/InvalidHyperparameter] MultiHeadAttention 'attention': heads 3 does not"
                + " divide the features D=10 of its input [T=6, D=10]; each head takes D / heads features, so use a"
                + " divisor of 10 such as 2, 5, 10", source, "attention()", "3)");
    }

    @Test
    void denseOnASignal() {
        JavaFileObject source = model("DenseSignal", "input = {2, 50}",
                "@Dense(4) Layer fc();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/LayoutMismatch] Dense 'fc' takes a vector [features] or a token"
                + " sequence [T, D], but gets a signal [C=2, L=50]; @GlobalAvgPool1d or @Flatten make it a vector",
                source, "fc()", "@Dense(4)");
    }

    @Test
    void tokenIdsIntoALayerOtherThanEmbedding() {
        JavaFileObject source = model("NoEmbedding", "input = {6}, tokens = true",
                "@ReLU Layer relu();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/LayoutMismatch] ReLU 'relu' gets token ids [T=6], which only @Embedding"
                + " takes; put @Embedding(vocabulary = ..., dim = ...) first to turn the ids into a token sequence"
                + " [T, D]", source, "relu()", "@ReLU");
    }

    @Test
    void embeddingOfFeatures() {
        JavaFileObject source = model("FeatureEmbedding", "input = 6",
                "@Embedding(vocabulary = 10, dim = 4) Layer embed();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/LayoutMismatch] Embedding 'embed' takes token ids [T], but gets a vector"
                + " [6]; only the model's input can be token ids: declare @Sequential(input = {T}, tokens = true)"
                + " and put this layer first", source, "embed()", "@Embedding");
    }

    @Test
    void sequenceLayersOnAnImage() {
        Map<String, String> accepted = Map.of(
                "@MultiHeadAttention(heads = 1)", "a token sequence [T, D]",
                "@PositionalEmbedding", "a token sequence [T, D]",
                "@GlobalAvgPool1d", "a token sequence [T, D] or a signal [C, L]");
        accepted.forEach((annotation, takes) -> {
            JavaFileObject source = model("OnImage", "input = {1, 8, 8}", annotation + " Layer bad();",
                    "@Flatten Layer flatten();", "@Dense(2) Layer out();");
            String kind = annotation.substring(1).replaceAll("\\(.*", "");

            Compilation compilation = compileWithLamina(source);

            assertThat(compilation).hadErrorCount(1);
            assertErrorAt(compilation, "[Lamina/LayoutMismatch] " + kind + " 'bad' takes " + takes + ", but gets"
                    + " an image [1, 8, 8]; @Patches cuts an image into a token sequence", source, "bad()", "@");
        });
    }

    @Test
    void layerNormOnAnImageAndBatchNormOnASequence() {
        JavaFileObject source = model("Norms", "input = {4}, tokens = true",
                "@Embedding(vocabulary = 10, dim = 4) Layer embed();",
                "@BatchNorm Layer bn();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/LayoutMismatch] BatchNorm 'bn' takes a vector [features] or an image"
                + " [channels, height, width] or a signal [C, L], but gets a token sequence [T=4, D=4]", source, "bn()",
                "@BatchNorm");
        assertThat(Messages.wrongLayout("LayerNorm", "ln", List.of(Shape.Layout.VECTOR, Shape.Layout.SEQUENCE),
                Shape.of(3, 8, 8))).isEqualTo("[Lamina/LayoutMismatch] LayerNorm 'ln' takes a vector [features] or a"
                + " token sequence [T, D], but gets an image [3, 8, 8]; @Patches cuts an image into a token sequence");
    }

    @Test
    void residualOverSequencesOfDifferentWidthsSuggestsADenseProjection() {
        JavaFileObject source = model("Widen", "input = {4}, tokens = true",
                "@Embedding(vocabulary = 10, dim = 4) Layer embed();",
                "@Residual(Wide.class) Layer res();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();",
                "@Block interface Wide { @Dense(6) Layer fc(); }");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Lamina/ShapeMismatch] @Residual 'res': the body Wide gives"
                + " [T=4, D=6] but the identity shortcut gives [T=4, D=4]; S(x) + F(x) needs both of the same shape."
                + " Fix: add shortcut = a @Block with @Dense(value = 6, bias = false)");
    }

    @Test
    void concatenatingSequences() {
        JavaFileObject source = model("ConcatSeq", "input = {4}, tokens = true",
                "@Embedding(vocabulary = 10, dim = 4) Layer embed();",
                "@Concat(value = Id.class, withInput = true) Layer cat();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();",
                "@Block interface Id { @ReLU Layer relu(); }");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Lamina/LayoutMismatch] @Concat 'cat' concatenates images or"
                + " vectors only, but the input x is [T=4, D=4], branch 'cat.id' gives [T=4, D=4]");
    }

    @Test
    void perPositionOutputNeedsSoftmaxCrossEntropy() {
        JavaFileObject source = model("MseSeq", "input = {4}, tokens = true, loss = Loss.MSE",
                "@Embedding(vocabulary = 10, dim = 4) Layer embed();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Lamina/RankMismatch] loss MSE needs a vector output [units] but"
                + " the last layer 'out' gives a token sequence [T=4, D=2]");
    }

    @Test
    void softmaxOnASequence() {
        JavaFileObject source = model("SoftmaxSeq", "input = {4}, tokens = true",
                "@Embedding(vocabulary = 10, dim = 4) Layer embed();",
                "@Softmax Layer softmax();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/LayoutMismatch] Softmax 'softmax' takes a vector [features], but gets a"
                + " token sequence [T=4, D=4]; @GlobalAvgPool1d or @Flatten make it a vector", source, "softmax()",
                "@Softmax");
    }
}
