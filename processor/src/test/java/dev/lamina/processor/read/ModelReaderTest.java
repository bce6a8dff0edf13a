package dev.lamina.processor.read;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.SEED_LAYERS;
import static dev.lamina.processor.testing.Models.assertErrorAt;
import static dev.lamina.processor.testing.Models.compileWithLamina;
import static dev.lamina.processor.testing.Models.model;
import static dev.lamina.processor.testing.Models.readAndInfer;
import static dev.lamina.processor.testing.Models.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.testing.FilerRecordingProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelReaderTest {

    // ---- what the reader reads -------------------------------------------------------------------

    @Test
    void readsLayersInSourceOrderWithDefaultsApplied() {
        ModelIR model = readAndInfer(model("SeedNet", "input = {1, 28, 28}", SEED_LAYERS));

        assertThat(model.packageName()).isEqualTo("test");
        assertThat(model.interfaceName()).isEqualTo("SeedNet");
        assertThat(model.generatedName()).isEqualTo("LaminaSeedNet");
        assertThat(model.input()).isEqualTo(Shape.of(1, 28, 28));
        assertThat(model.loss()).isEqualTo(Loss.SOFTMAX_CROSS_ENTROPY); // the default
        assertThat(model.layers().stream().map(LayerNode::name).toList()).containsExactly("conv1", "bn1",
                "act1", "drop1", "pool1", "conv2", "bn2", "act2", "drop2", "pool2", "flatten", "fc1", "act3",
                "logits").inOrder();
        List<LayerSpec> specs = model.layers().stream().map(LayerNode::spec).toList();
        assertThat(specs.get(0)).isEqualTo(new LayerSpec.Conv2d(32, 3, 1, LayerSpec.Conv2d.Padding.VALID, true));
        assertThat(specs.get(1)).isEqualTo(new LayerSpec.BatchNorm(0.1, 1e-5));
        assertThat(specs.get(2)).isEqualTo(new LayerSpec.Activation(LayerSpec.Activation.Function.ELU, 1.0));
        assertThat(specs.get(3)).isEqualTo(new LayerSpec.Dropout(0.2));
        assertThat(specs.get(4)).isEqualTo(new LayerSpec.Pool2d(LayerSpec.Pool2d.Mode.MAX, 2, 2));
        assertThat(specs.get(10)).isEqualTo(new LayerSpec.Flatten());
        assertThat(specs.get(11)).isEqualTo(new LayerSpec.Dense(512, true));
        assertThat(model.layers().stream().map(l -> l.spec().kind()).distinct().toList())
                .containsExactly("Conv2d", "BatchNorm", "ELU", "Dropout", "MaxPool2d", "Flatten", "Dense")
                .inOrder();
    }

    @Test
    void readsEveryLayerKindAndTheDeclaredLoss() {
        ModelIR model = readAndInfer(model("AllKinds", "input = {3, 16, 16}, loss = Loss.MSE",
                "@Conv2d(filters = 4, kernel = 3, stride = 1, padding = Padding.SAME, bias = false) Layer conv();",
                "@ReLU Layer relu();",
                "@AvgPool2d(value = 2, stride = 1) Layer avg();",
                "@LeakyReLU(-0.5) Layer leaky();",
                "@Tanh Layer tanh();",
                "@Sigmoid Layer sigmoid();",
                "@BatchNorm(momentum = 0.3, epsilon = 0.001) Layer bn();",
                "@Flatten Layer flatten();",
                "@Dropout Layer drop();",
                "@Dense(value = 5, bias = false) Layer fc();",
                "@ELU(alpha = 0.5) Layer elu();",
                "@Softmax Layer softmax();"));

        assertThat(model.loss()).isEqualTo(Loss.MSE);
        assertThat(model.layers().stream().map(LayerNode::spec).toList()).containsExactly(
                new LayerSpec.Conv2d(4, 3, 1, LayerSpec.Conv2d.Padding.SAME, false),
                new LayerSpec.Activation(LayerSpec.Activation.Function.RELU, 0),
                new LayerSpec.Pool2d(LayerSpec.Pool2d.Mode.AVG, 2, 1),
                new LayerSpec.Activation(LayerSpec.Activation.Function.LEAKY_RELU, -0.5),
                new LayerSpec.Activation(LayerSpec.Activation.Function.TANH, 0),
                new LayerSpec.Activation(LayerSpec.Activation.Function.SIGMOID, 0),
                new LayerSpec.BatchNorm(0.3, 0.001),
                new LayerSpec.Flatten(),
                new LayerSpec.Dropout(0.5),
                new LayerSpec.Dense(5, false),
                new LayerSpec.Activation(LayerSpec.Activation.Function.ELU, 0.5),
                new LayerSpec.Activation(LayerSpec.Activation.Function.SOFTMAX, 0)).inOrder();
    }

    @Test
    void readsTheSequenceLayerKindsOfATokenModel() {
        ModelIR model = readAndInfer(model("Tokens", "input = {6}, tokens = true",
                "@Embedding(vocabulary = 11, dim = 8) Layer embed();",
                "@PositionalEmbedding Layer position();",
                "@LayerNorm(eps = 1e-6) Layer ln();",
                "@MultiHeadAttention(heads = 2, causal = true, dropout = 0.1) Layer attention();",
                "@GELU Layer gelu();",
                "@GELU(approximate = GELU.Approximation.TANH) Layer geluTanh();",
                "@SiLU Layer silu();",
                "@LayerNorm Layer lnDefault();",
                "@MultiHeadAttention(heads = 4) Layer attentionDefault();",
                "@Dense(5) Layer logits();"));

        assertThat(model.input()).isEqualTo(Shape.tokens(6));
        assertThat(model.layers().stream().map(LayerNode::spec).toList()).containsExactly(
                new LayerSpec.Embedding(11, 8),
                new LayerSpec.PositionalEmbedding(),
                new LayerSpec.LayerNorm(1e-6),
                new LayerSpec.MultiHeadAttention(2, true, 0.1),
                new LayerSpec.Activation(LayerSpec.Activation.Function.GELU, 0),
                new LayerSpec.Activation(LayerSpec.Activation.Function.GELU_TANH, 0),
                new LayerSpec.Activation(LayerSpec.Activation.Function.SILU, 0),
                new LayerSpec.LayerNorm(1e-5),
                new LayerSpec.MultiHeadAttention(4, false, 0.0),
                new LayerSpec.Dense(5, true)).inOrder();
        assertThat(model.output()).isEqualTo(Shape.sequence(6, 5));
    }

    @Test
    void readsPatchesAndSequencePooling() {
        ModelIR model = readAndInfer(model("Vit", "input = {1, 8, 8}",
                "@Patches(size = 4) Layer patches();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(3) Layer logits();"));

        assertThat(model.layers().stream().map(LayerNode::spec).toList()).containsExactly(
                new LayerSpec.Patches(4), new LayerSpec.GlobalAvgPool1d(), new LayerSpec.Dense(3, true)).inOrder();
    }

    @Test
    void inputWithTwoEntriesIsASignal() {
        ModelIR model = readAndInfer(model("Signal", "input = {2, 50}",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(3) Layer logits();"));

        assertThat(model.input()).isEqualTo(Shape.of(2, 50));
        assertThat(model.input().layout()).isEqualTo(Shape.Layout.SIGNAL);
        assertThat(model.layers().get(0).output()).isEqualTo(Shape.of(2));
    }

    @Test
    void tokenInputWithMoreThanOneEntry() {
        JavaFileObject source = model("Tokens2d", "input = {4, 6}, tokens = true",
                "@Embedding(vocabulary = 10, dim = 4) Layer embed();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sequential(tokens = true) takes token ids, so input"
                + " must have 1 entry {tokens}, but has 2: {4, 6}; remove tokens = true, or declare input ="
                + " {tokens}", source, "@Sequential", "true");
    }

        @Test
    void sourceRefCarriesTheMethodTheAnnotationAndOnlyTheExplicitValues() {
        ModelIR model = readAndInfer(model("Explicit", "input = {1, 8, 8}",
                "@Conv2d(filters = 2, kernel = 3, padding = Padding.VALID) Layer conv1();",
                "@MaxPool2d(2) Layer pool1();",
                "@Flatten Layer flatten();",
                "@Dense(3) Layer out();"));

        LayerNode conv = model.layers().get(0);
        assertThat(conv.source().element().getSimpleName().toString()).isEqualTo("conv1");
        assertThat(conv.source().annotation().getAnnotationType().toString()).isEqualTo("dev.lamina.dsl.Conv2d");
        assertThat(conv.source().values().keySet()).containsExactly("filters", "kernel", "padding");
        assertThat(conv.source().value("filters").get().getValue()).isEqualTo(2);
        assertThat(conv.source().value("stride")).isEmpty(); // a default, not written
        assertThat(model.layers().get(1).source().values().keySet()).containsExactly("value");
        assertThat(model.layers().get(2).source().values()).isEmpty();
        assertThat(model.layers().get(0).rewrites()).isEmpty();
        TypeElement element = model.element();
        assertThat(element.getQualifiedName().toString()).isEqualTo("test.Explicit");
    }

    @Test
    void ignoresDefaultAndStaticMethodsFieldsAndNestedTypes() {
        ModelIR model = readAndInfer(model("WithHelpers", "input = 4",
                "int WIDTH = 3;",
                "@Dense(WIDTH) Layer hidden();",
                "default String describe() { return \"x\"; }",
                "static int twice(int x) { return 2 * x; }",
                "class Nested { void run() {} }",
                "@Dense(1) Layer out();"));

        assertThat(model.layers().stream().map(LayerNode::name).toList()).containsExactly("hidden", "out").inOrder();
        assertThat(model.layers().get(0).spec()).isEqualTo(new LayerSpec.Dense(3, true));
    }

    @Test
    void acceptsAStaticMemberInterfaceAndAPackagePrivateOne() {
        ModelIR nested = readAndInfer(source("Outer",
                "package test;",
                "import dev.lamina.dsl.*;",
                "public class Outer {",
                "    @Sequential(input = 2) interface Inner {",
                "        @Dense(1) Layer out();",
                "    }",
                "}"));
        ModelIR packagePrivate = readAndInfer(source("Hidden",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@Sequential(input = 2) interface Hidden {",
                "    @Dense(1) Layer out();",
                "}"));

        assertThat(nested.interfaceName()).isEqualTo("Inner");
        assertThat(nested.element().getQualifiedName().toString()).isEqualTo("test.Outer.Inner");
        assertThat(packagePrivate.interfaceName()).isEqualTo("Hidden");
    }

    // ---- invalid hyperparameters -----------------------------------------------------------------

    static Stream<Arguments> invalidHyperparameters() {
        return Stream.of(
                // layer line, expected message, text at the reported column
                Arguments.of("@Conv2d(filters = 0, kernel = 3) Layer conv1();",
                        "[Lamina/InvalidHyperparameter] Conv2d 'conv1': filters must be positive, was 0", "0,"),
                Arguments.of("@Conv2d(filters = 8, kernel = -1) Layer conv1();",
                        "[Lamina/InvalidHyperparameter] Conv2d 'conv1': kernel must be positive, was -1", "-1"),
                Arguments.of("@Conv2d(filters = 8, kernel = 3, stride = 0) Layer conv1();",
                        "[Lamina/InvalidHyperparameter] Conv2d 'conv1': stride must be positive, was 0", "0)"),
                Arguments.of("@Dense(0) Layer fc1();",
                        "[Lamina/InvalidHyperparameter] Dense 'fc1': units must be positive, was 0", "0)"),
                Arguments.of("@Dense(value = -5, bias = false) Layer fc1();",
                        "[Lamina/InvalidHyperparameter] Dense 'fc1': units must be positive, was -5", "-5"),
                Arguments.of("@MaxPool2d(0) Layer pool1();",
                        "[Lamina/InvalidHyperparameter] MaxPool2d 'pool1': window must be positive, was 0", "0)"),
                Arguments.of("@AvgPool2d(value = -2) Layer pool1();",
                        "[Lamina/InvalidHyperparameter] AvgPool2d 'pool1': window must be positive, was -2", "-2"),
                Arguments.of("@AvgPool2d(value = 2, stride = -1) Layer pool1();",
                        "[Lamina/InvalidHyperparameter] AvgPool2d 'pool1': stride must be positive, or 0 for the"
                                + " window size, was -1", "-1"),
                Arguments.of("@Conv2d(filters = 4, kernel = {3, 0}) Layer conv2();",
                        "[Lamina/InvalidHyperparameter] Conv2d 'conv2': kernel must be positive, was 0", "{3, 0}"),
                Arguments.of("@Conv2d(filters = 4, kernel = {1, 2, 3}) Layer conv2();",
                        "[Lamina/InvalidHyperparameter] Conv2d 'conv2': kernel takes 1 value (the same on both axes)"
                                + " or 2 ({height, width}), but has 3", "{1, 2, 3}"),
                Arguments.of("@Conv2d(filters = 4, kernel = {}) Layer conv2();",
                        "[Lamina/InvalidHyperparameter] Conv2d 'conv2': kernel takes 1 value (the same on both axes)"
                                + " or 2 ({height, width}), but has 0", "{}"),
                Arguments.of("@Conv2d(filters = 4, kernel = 1, stride = {-1, 2}) Layer conv2();",
                        "[Lamina/InvalidHyperparameter] Conv2d 'conv2': stride must be positive, was -1", "{-1, 2}"),
                Arguments.of("@MaxPool2d({2, -1}) Layer pool1();",
                        "[Lamina/InvalidHyperparameter] MaxPool2d 'pool1': window must be positive, was -1", "{2, -1}"),
                Arguments.of("@AvgPool2d(value = 2, stride = {1, 1, 1}) Layer pool1();",
                        "[Lamina/InvalidHyperparameter] AvgPool2d 'pool1': stride takes 1 value (the same on both"
                                + " axes) or 2 ({height, width}), but has 3", "{1, 1, 1}"),
                Arguments.of("@MaxPool2d(value = {2, 2}, stride = {2, -2}) Layer pool1();",
                        "[Lamina/InvalidHyperparameter] MaxPool2d 'pool1': stride must be positive, or 0 for the"
                                + " window size, was -2", "{2, -2}"),
                Arguments.of("@Dropout(rate = 1.0) Layer drop1();",
                        "[Lamina/InvalidHyperparameter] Dropout 'drop1': rate must be in [0, 1), was 1.0", "1.0"),
                Arguments.of("@Dropout(rate = -0.1) Layer drop1();",
                        "[Lamina/InvalidHyperparameter] Dropout 'drop1': rate must be in [0, 1), was -0.1", "-0.1"),
                Arguments.of("@Dropout(rate = Double.NaN) Layer drop1();",
                        "[Lamina/InvalidHyperparameter] Dropout 'drop1': rate must be in [0, 1), was NaN", ".NaN"),
                Arguments.of("@BatchNorm(momentum = 0) Layer bn1();",
                        "[Lamina/InvalidHyperparameter] BatchNorm 'bn1': momentum must be in (0, 1), was 0.0", "0)"),
                Arguments.of("@BatchNorm(momentum = 1) Layer bn1();",
                        "[Lamina/InvalidHyperparameter] BatchNorm 'bn1': momentum must be in (0, 1), was 1.0", "1)"),
                Arguments.of("@BatchNorm(epsilon = 0.0) Layer bn1();",
                        "[Lamina/InvalidHyperparameter] BatchNorm 'bn1': epsilon must be positive and finite,"
                                + " was 0.0", "0.0"),
                Arguments.of("@BatchNorm(epsilon = Double.POSITIVE_INFINITY) Layer bn1();",
                        "[Lamina/InvalidHyperparameter] BatchNorm 'bn1': epsilon must be positive and finite,"
                                + " was Infinity", ".POSITIVE_INFINITY"),
                Arguments.of("@Embedding(vocabulary = 0, dim = 4) Layer embed();",
                        "[Lamina/InvalidHyperparameter] Embedding 'embed': vocabulary must be positive, was 0", "0,"),
                Arguments.of("@Embedding(vocabulary = 10, dim = -4) Layer embed();",
                        "[Lamina/InvalidHyperparameter] Embedding 'embed': dim must be positive, was -4", "-4"),
                Arguments.of("@LayerNorm(eps = 0) Layer ln();",
                        "[Lamina/InvalidHyperparameter] LayerNorm 'ln': eps must be positive and finite, was 0.0",
                        "0)"),
                Arguments.of("@MultiHeadAttention(heads = 0) Layer attention();",
                        "[Lamina/InvalidHyperparameter] MultiHeadAttention 'attention': heads must be positive, was 0",
                        "0)"),
                Arguments.of("@MultiHeadAttention(heads = 2, dropout = 1.0) Layer attention();",
                        "[Lamina/InvalidHyperparameter] MultiHeadAttention 'attention': dropout must be in [0, 1),"
                                + " was 1.0", "1.0"),
                Arguments.of("@Conv1d(filters = 0, kernel = 3) Layer conv();",
                        "[Lamina/InvalidHyperparameter] Conv1d 'conv': filters must be positive, was 0", "0,"),
                Arguments.of("@MaxPool1d(0) Layer pool();",
                        "[Lamina/InvalidHyperparameter] MaxPool1d 'pool': window must be positive, was 0", "0)"),
                Arguments.of("@MaxPool1d(value = 2, stride = -1) Layer pool();",
                        "[Lamina/InvalidHyperparameter] MaxPool1d 'pool': stride must be positive, or 0 for the"
                                + " window size, was -1", "-1"),
                Arguments.of("@Patches(size = 0) Layer patches();",
                        "[Lamina/InvalidHyperparameter] Patches 'patches': size must be positive, was 0", "0)"),
                Arguments.of("@LeakyReLU(Double.NaN) Layer act1();",
                        "[Lamina/InvalidHyperparameter] LeakyReLU 'act1': slope must be finite, was NaN", ".NaN"),
                Arguments.of("@ELU(alpha = Double.NEGATIVE_INFINITY) Layer act1();",
                        "[Lamina/InvalidHyperparameter] ELU 'act1': alpha must be finite, was -Infinity",
                        ".NEGATIVE_INFINITY"));
    }

    @ParameterizedTest
    @MethodSource("invalidHyperparameters")
    void invalidHyperparameterIsAnErrorOnItsValue(String layer, String message, String valueText) {
        JavaFileObject source = model("Bad", "input = {1, 28, 28}",
                "@Conv2d(filters = 4, kernel = 3) Layer first();",
                layer,
                "@Flatten Layer flatten();",
                "@Dense(10) Layer logits();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, message, source, layer, valueText);
    }

    @Test
    void reportsEveryInvalidHyperparameterAtOnce() {
        JavaFileObject source = model("ManyBad", "input = {1, 28, 28}",
                "@Conv2d(filters = 0, kernel = 0, stride = 0) Layer conv1();",
                "@Dropout(rate = 1.5) Layer drop1();",
                "@BatchNorm(momentum = 2, epsilon = -1) Layer bn1();",
                "@Dense(10) Layer logits();"); // also a shape error, but shapes are not inferred

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(6);
        assertThat(compilation).hadErrorContaining("filters must be positive").inFile(source).onLineContaining("conv1");
        assertThat(compilation).hadErrorContaining("kernel must be positive").inFile(source).onLineContaining("conv1");
        assertThat(compilation).hadErrorContaining("stride must be positive").inFile(source).onLineContaining("conv1");
        assertThat(compilation).hadErrorContaining("rate must be in").inFile(source).onLineContaining("drop1");
        assertThat(compilation).hadErrorContaining("momentum must be").inFile(source).onLineContaining("bn1");
        assertThat(compilation).hadErrorContaining("epsilon must be").inFile(source).onLineContaining("bn1");
    }

    @Test
    void anErroneousModelGeneratesNothing() {
        List<String> layers = new ArrayList<>(List.of(SEED_LAYERS));
        layers.set(0, "@Conv2d(filters = 0, kernel = 3) Layer conv1();");
        JavaFileObject source = model("SeedNet", "input = {1, 28, 28}", layers.toArray(String[]::new));
        FilerRecordingProcessor recording = new FilerRecordingProcessor(new LaminaProcessor());

        Compilation compilation = Compiler.javac().withProcessors(recording).compile(source);

        assertThat(compilation).failed();
        // Only the reader's error: the later stages, the generator included, never ran.
        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("filters must be positive");
        assertThat(recording.createdFiles()).isEmpty();
    }

    // ---- malformed declarations ------------------------------------------------------------------

    @Test
    void methodWithoutLayerAnnotation() {
        JavaFileObject source = model("Unannotated", "input = 4",
                "@Dense(8) Layer fc1();",
                "Layer helper();",
                "@Dense(1) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] method 'helper' has no layer annotation; annotate it"
                + " with exactly one of @Conv2d, @Dense, @BatchNorm, @ReLU, @ELU, @LeakyReLU, @Tanh, @Sigmoid,"
                + " @Softmax, @Dropout, @MaxPool2d, @AvgPool2d, @GlobalAvgPool2d, @Flatten, @Embedding,"
                + " @PositionalEmbedding, @LayerNorm, @MultiHeadAttention, @GELU, @SiLU, @Patches, @GlobalAvgPool1d,"
                + " @Conv1d, @MaxPool1d, @Residual, @Concat, @Repeat, or give it a default body",
                source, "helper()", "helper");
    }

    @Test
    void methodWithTwoLayerAnnotations() {
        JavaFileObject source = model("Doubled", "input = {1, 8, 8}",
                "@Conv2d(filters = 8, kernel = 3) @ReLU Layer conv1();",
                "@Flatten Layer flatten();",
                "@Dense(1) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] method 'conv1' has 2 layer annotations (@Conv2d,"
                + " @ReLU); declare one layer per method", source, "conv1()", "@ReLU");
    }

    @Test
    void layerMethodMustReturnLayer() {
        JavaFileObject source = model("WrongReturn", "input = 4",
                "@Dense(8) int fc1();",
                "@Dense(1) Object out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MalformedModel] layer method 'fc1' must return dev.lamina.dsl.Layer,"
                + " not int", source, "fc1()", "fc1");
        assertErrorAt(compilation, "[Lamina/MalformedModel] layer method 'out' must return dev.lamina.dsl.Layer,"
                + " not java.lang.Object", source, "out()", "out");
    }

    @Test
    void layerMethodMustHaveNoParametersNorTypeParameters() {
        JavaFileObject source = model("WithParameters", "input = 4",
                "@Dense(8) Layer fc1(int width);",
                "@Dense(1) <T> Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MalformedModel] layer method 'fc1' must have no parameters",
                source, "fc1(", "fc1");
        assertErrorAt(compilation, "[Lamina/MalformedModel] layer method 'out' must have no type parameters",
                source, "out()", "out");
    }

    @Test
    void layerAnnotationOnAMethodWithABody() {
        JavaFileObject source = model("Concrete", "input = 4",
                "@Dense(8) Layer fc1();",
                "@ReLU default Layer act() { return null; }",
                "@Sigmoid static Layer squash() { return null; }",
                "@Dense(1) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @ReLU is on default method 'act'; only abstract"
                + " methods declare layers", source, "act()", "@ReLU");
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sigmoid is on static method 'squash'; only abstract"
                + " methods declare layers", source, "squash()", "@Sigmoid");
    }

    @Test
    void layerNamedLikeAMethodOfTheGeneratedClass() {
        JavaFileObject source = model("Clash", "input = 4",
                "@Dense(8) Layer layers();",
                "@Dense(1) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] layer method 'layers' has the name of Model.layers(),"
                + " which the generated class also implements; rename the layer", source, "layers()", "@Dense");
    }

    static Stream<Arguments> notInterfaces() {
        return Stream.of(
                Arguments.of("public class NotAnInterface {}", "a class"),
                Arguments.of("public abstract class NotAnInterface { @Dense(1) abstract Layer out(); }", "a class"),
                Arguments.of("public enum NotAnInterface { A }", "an enum"),
                Arguments.of("public @interface NotAnInterface {}", "an annotation type"),
                Arguments.of("public record NotAnInterface(int x) {}", "a record"));
    }

    @ParameterizedTest
    @MethodSource("notInterfaces")
    void sequentialOnSomethingOtherThanAnInterface(String declaration, String kind) {
        JavaFileObject source = source("NotAnInterface",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@Sequential(input = {1, 28, 28})",
                declaration);

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sequential must annotate an interface, but"
                + " 'NotAnInterface' is " + kind, source, "@Sequential", "@Sequential");
    }

    @Test
    void inputWithFourEntries() {
        JavaFileObject source = model("FourD", "input = {1, 1, 28, 28}", "@Dense(1) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sequential input must have 1 entry {features}, 2"
                + " entries {channels, length} or 3 entries {channels, height, width}, but has 4: {1, 1, 28, 28}",
                source, "@Sequential", "{1");
    }

    @Test
    void inputWithNoEntries() {
        JavaFileObject source = model("NoInput", "input = {}", "@Dense(1) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining(Messages.inputRank(new int[0])).inFile(source)
                .onLineContaining("@Sequential");
        assertThat(Messages.inputRank(new int[0])).endsWith("but has 0: {}");
    }

    @Test
    void inputWithAZeroAndANegativeEntry() {
        JavaFileObject source = model("ZeroInput", "input = {1, 0, -28}", "@Dense(1) Layer out();");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sequential input entries must be positive, but"
                + " entry 1 of {1, 0, -28} is 0", source, "@Sequential", "0,");
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sequential input entries must be positive, but"
                + " entry 2 of {1, 0, -28} is -28", source, "@Sequential", "-28");
    }

    @Test
    void modelWithoutLayers() {
        JavaFileObject empty = model("Empty", "input = {1, 28, 28}");
        JavaFileObject onlyHelpers = model("OnlyHelpers", "input = {1, 28, 28}",
                "default int width() { return 3; }");

        Compilation compilation = compileWithLamina(empty, onlyHelpers);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sequential interface 'Empty' declares no layers; add"
                + " abstract methods such as '@Dense(10) Layer logits();'", empty, "@Sequential", "@Sequential");
        assertErrorAt(compilation, Messages.noLayers("OnlyHelpers"), onlyHelpers, "@Sequential", "@Sequential");
    }

    @Test
    void privateMemberInterface() {
        JavaFileObject source = source("Outer",
                "package test;",
                "import dev.lamina.dsl.*;",
                "public class Outer {",
                "    @Sequential(input = 2)",
                "    private interface Secret {",
                "        @Dense(1) Layer out();",
                "    }",
                "}");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sequential interface 'Secret' must not be private or"
                + " inside a private type: the generated class in its package implements it",
                source, "@Sequential", "@Sequential");
    }

    @Test
    void genericOrExtendingInterface() {
        JavaFileObject generic = source("Generic",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@Sequential(input = 2)",
                "public interface Generic<T> {",
                "    @Dense(1) Layer out();",
                "}");
        JavaFileObject extending = source("Extending",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@Sequential(input = 2)",
                "public interface Extending extends Runnable {",
                "    @Dense(1) Layer out();",
                "}");

        Compilation compilation = compileWithLamina(generic, extending);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sequential interface 'Generic' must not have type"
                + " parameters", generic, "@Sequential", "@Sequential");
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Sequential interface 'Extending' must not extend"
                + " other interfaces; declare every layer in it", extending, "@Sequential", "@Sequential");
    }
}
