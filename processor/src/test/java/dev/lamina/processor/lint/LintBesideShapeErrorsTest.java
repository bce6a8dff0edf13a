package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A model with a shape error still gets the findings of the rules that need no shapes, so that
 * fixing the shape error does not uncover warnings one at a time; rules that need shapes stay
 * silent there (no internal error).
 */
class LintBesideShapeErrorsTest {
    private static final LintCompilation.Model DROPOUT_BEFORE_BN_AND_NO_FLATTEN = new LintCompilation.Model(
            "input = {1, 28, 28}",
            "@Conv2d(filters = 8, kernel = 3, bias = false) Layer conv1();",
            "@ReLU Layer relu1();",
            "@Dropout(rate = 0.2) Layer drop1();",
            "@BatchNorm Layer bn1();",
            "@Dense(10) Layer logits();");

    @Test
    void orderWarningsComeWithTheShapeError() {
        JavaFileObject source = DROPOUT_BEFORE_BN_AND_NO_FLATTEN.source();

        Compilation compilation = LintCompilation.compile(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Lamina/MissingFlatten] Dense 'logits' needs a vector input")
                .inFile(source).onLineContaining("logits()");
        assertThat(compilation).hadWarningContaining("[Lamina/DropoutBeforeBatchNorm]")
                .inFile(source).onLineContaining("drop1()");
        assertThat(compilation).hadWarningCount(1);
    }

    @Test
    void suppressionsAndSeveritiesStillApply() {
        JavaFileObject suppressed = DROPOUT_BEFORE_BN_AND_NO_FLATTEN.source(null, "drop1()",
                "@SuppressWarnings(\"Lamina/DropoutBeforeBatchNorm\")");
        Compilation quiet = LintCompilation.compile(suppressed);
        assertThat(quiet).hadErrorCount(1);
        assertThat(quiet).hadWarningCount(0);

        Compilation asError = LintCompilation.compile(DROPOUT_BEFORE_BN_AND_NO_FLATTEN.source(),
                "-Alamina.lint.DropoutBeforeBatchNorm=ERROR");
        assertThat(asError).hadErrorCount(2);
        assertThat(asError).hadErrorContaining("[Lamina/DropoutBeforeBatchNorm]");
    }

    @Test
    void rulesThatNeedShapesAreSilentOnAModelWithoutThem() {
        // SoftmaxBeforeLogitsLoss needs the softmax's width, unknown past the shape error: no finding
        // and no internal error, only the shape error.
        JavaFileObject source = new LintCompilation.Model("input = {3, 8, 8}",
                "@Conv2d(filters = 8, kernel = 3) Layer conv1();",
                "@Softmax Layer probs();").source();

        Compilation compilation = LintCompilation.compile(source);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("[Lamina/MissingFlatten] Softmax 'probs'");
        assertThat(LintCompilation.diagnostics(compilation).stream()
                .filter(d -> d.getKind() != Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(null))
                .toList()).isEmpty();
    }
}
