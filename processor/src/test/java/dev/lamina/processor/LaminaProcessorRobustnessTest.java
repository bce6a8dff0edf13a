package dev.lamina.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.compileWithLamina;
import static dev.lamina.processor.testing.Models.model;
import static dev.lamina.processor.testing.Models.source;

import com.google.testing.compile.Compilation;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Odd and broken declarations end in compile errors, never in an exception from the processor
 * (which {@code LaminaProcessor} would turn into an "internal error" diagnostic, and javac into
 * "an annotation processor threw an uncaught exception").
 */
class LaminaProcessorRobustnessTest {

    static Stream<Arguments> brokenModels() {
        return Stream.of(
                Arguments.of("unresolved constant", model("M", "input = 4",
                        "@Dense(UNKNOWN_WIDTH) Layer out();")),
                Arguments.of("missing required member", model("M", "input = {1, 8, 8}",
                        "@Conv2d(kernel = 3) Layer conv1();",
                        "@Flatten Layer flatten();",
                        "@Dense(1) Layer out();")),
                Arguments.of("unknown enum constant", model("M", "input = {1, 8, 8}",
                        "@Conv2d(filters = 1, kernel = 3, padding = Padding.FULL) Layer conv1();",
                        "@Flatten Layer flatten();",
                        "@Dense(1) Layer out();")),
                Arguments.of("null annotation value", model("M", "input = 4, loss = null",
                        "@Dense(1) Layer out();")),
                Arguments.of("unknown layer annotation", model("M", "input = 4",
                        "@Dense3d(1) Layer out();")),
                Arguments.of("unknown return type", model("M", "input = 4",
                        "@Dense(1) Lyr out();")),
                Arguments.of("missing input", model("M", "loss = Loss.MSE",
                        "@Dense(1) Layer out();")),
                Arguments.of("empty input", model("M", "input = {}",
                        "@Dense(1) Layer out();")),
                Arguments.of("most negative input", model("M", "input = {-2147483648}",
                        "@Dense(1) Layer out();")),
                Arguments.of("largest input", model("M",
                        "input = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}",
                        "@Flatten Layer flatten();",
                        "@Dense(1) Layer out();")),
                Arguments.of("largest hyperparameters", model("M", "input = {1, 1, 1}",
                        "@Conv2d(filters = Integer.MAX_VALUE, kernel = Integer.MAX_VALUE,"
                                + " stride = Integer.MAX_VALUE, padding = Padding.SAME) Layer conv1();",
                        "@MaxPool2d(value = Integer.MAX_VALUE, stride = Integer.MAX_VALUE) Layer pool1();",
                        "@Flatten Layer flatten();",
                        "@Dense(Integer.MAX_VALUE) Layer out();")),
                Arguments.of("huge dense stack", model("M", "input = 1",
                        "@Dense(Integer.MAX_VALUE) Layer wide();",
                        "@Dense(Integer.MAX_VALUE) Layer wider();")),
                Arguments.of("smallest hyperparameters", model("M", "input = {1, 8, 8}",
                        "@Conv2d(filters = Integer.MIN_VALUE, kernel = Integer.MIN_VALUE,"
                                + " stride = Integer.MIN_VALUE) Layer conv1();",
                        "@AvgPool2d(value = Integer.MIN_VALUE, stride = Integer.MIN_VALUE) Layer pool1();",
                        "@Dense(Integer.MIN_VALUE) Layer out();")),
                Arguments.of("non-finite doubles", model("M", "input = 4",
                        "@BatchNorm(momentum = Double.NaN, epsilon = Double.MIN_VALUE) Layer bn();",
                        "@Dropout(rate = Double.NEGATIVE_INFINITY) Layer drop();",
                        "@LeakyReLU(Double.POSITIVE_INFINITY) Layer leaky();",
                        "@Dense(1) Layer out();")),
                Arguments.of("varargs layer", model("M", "input = 4",
                        "@Dense(1) Layer out(Layer... previous);")),
                Arguments.of("throws clause and generic method", model("M", "input = 4",
                        "@Dense(1) <E extends Exception> Layer out() throws E;")),
                Arguments.of("every layer malformed", model("M", "input = {0, 0}",
                        "void a();",
                        "@ReLU @Tanh int b(String s);",
                        "@Flatten default Layer c() { return null; }")),
                Arguments.of("enum with layer annotations", source("M",
                        "package test;",
                        "import dev.lamina.dsl.*;",
                        "@Sequential(input = 4)",
                        "public enum M { A; @Dense(1) Layer out() { return null; } }")),
                Arguments.of("annotation type", source("M",
                        "package test;",
                        "import dev.lamina.dsl.*;",
                        "@Sequential(input = 4)",
                        "public @interface M { int value(); }")),
                Arguments.of("model nested in a generic class", source("M",
                        "package test;",
                        "import dev.lamina.dsl.*;",
                        "public class M<T> {",
                        "    @Sequential(input = 4) private interface Inner { @Dense(0) Layer out(); }",
                        "}")),
                Arguments.of("layer clashes with finalize", model("M", "input = 4",
                        "@Dense(1) Layer finalize();")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenModels")
    void reportsErrorsAndNeverThrows(String description, JavaFileObject source) {
        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).failed();
        for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            assertWithMessage("diagnostic of %s", description).that(message).doesNotContain("internal error");
            assertWithMessage("diagnostic of %s", description).that(message).doesNotContain("threw");
        }
    }
}
