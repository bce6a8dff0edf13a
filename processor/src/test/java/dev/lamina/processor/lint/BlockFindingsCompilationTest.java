package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.LintCompilation.assertNoDiagnostics;
import static dev.lamina.processor.lint.LintCompilation.assertOnly;
import static dev.lamina.processor.lint.LintCompilation.compile;
import static dev.lamina.processor.lint.LintCompilation.diagnostics;
import static dev.lamina.processor.lint.LintCompilation.render;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.testing.compile.Compilation;
import dev.lamina.processor.lint.LintCompilation.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings on layers declared in blocks, through the whole processor: a block used three times
 * gives one diagnostic, on the layer's line, naming the first use and the count; and
 * {@code @SuppressWarnings} works on the layer, on the {@code @Block} interface and on each method
 * that uses the block.
 */
class BlockFindingsCompilationTest {
    /** ReLU-before-addition units (ReLUBeforeAddition on 'reluB', line 19), three of them. */
    private static final Model UNITS = new Model("input = {4, 8, 8}",
            "@Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv();",
            "@BatchNorm Layer bn();",
            "@ReLU Layer relu();",
            "@Repeat(value = Unit.class, times = 3) Layer stage();",
            "@GlobalAvgPool2d Layer gap();",
            "@Dense(10) Layer fc();",
            "@Block interface Unit {",
            "    @Residual(Body.class) Layer res();",
            "}",
            "@Block interface Body {",
            "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer convA();",
            "    @BatchNorm Layer bnA();",
            "    @ReLU Layer reluB();",
            "}");

    private static final String SUPPRESS = "@SuppressWarnings(\"Lamina/ReLUBeforeAddition\")";

    @BeforeEach
    void needsBlocks() {
        Assumptions.assumeTrue(LintCompilation.dslHasBlocks(), "the DSL has no @Block yet");
    }

    @Test
    void aLayerOfARepeatedBlockIsReportedOnceOnItsLine() {
        Diagnostic<? extends JavaFileObject> d = assertOnly(compile(UNITS.source()), "ReLUBeforeAddition",
                Diagnostic.Kind.WARNING);
        assertThat(d.getLineNumber()).isEqualTo(19);
        assertThat(d.getMessage(Locale.ROOT)).contains("ReLU 'stage[0].res.reluB' (line 19) ends the residual"
                + " branch Body of residual addition 'stage[0].res' (line 14)");
        assertThat(d.getMessage(Locale.ROOT)).contains("(the same at 3 uses of this declaration; the first,"
                + " 'stage[0].res.reluB', is shown)");
    }

    @Test
    void suppressedOnTheLayerInTheBlock() {
        assertNoDiagnostics(compile(UNITS.source(null, "reluB()", SUPPRESS)));
    }

    @Test
    void suppressedOnTheBlockInterface() {
        assertNoDiagnostics(compile(UNITS.source(null, "interface Body", SUPPRESS)));
    }

    @Test
    void suppressedOnTheMethodThatUsesTheBlock() {
        assertNoDiagnostics(compile(UNITS.source(null, "Layer res()", SUPPRESS)));
    }

    @Test
    void suppressedOnTheRepeatThatUsesTheOuterBlock() {
        assertNoDiagnostics(compile(UNITS.source(null, "Layer stage()", "@SuppressWarnings(\"Lamina\")")));
    }

    @Test
    void suppressionElsewhereDoesNotApply() {
        assertOnly(compile(UNITS.source(null, "Layer gap()", SUPPRESS)), "ReLUBeforeAddition",
                Diagnostic.Kind.WARNING);
    }

    @Test
    void anUnknownIdOnABlockIsReported() {
        Compilation c = compile(UNITS.source(null, "interface Body", "@SuppressWarnings(\"Lamina/ReluBeforeAddition\")"));
        List<String> all = render(diagnostics(c));
        assertThat(all).hasSize(2);
        assertThat(all.get(0) + all.get(1)).contains("[Lamina/UnknownSuppression]");
        assertThat(all.get(0) + all.get(1)).contains("[Lamina/ReLUBeforeAddition]");
    }

    /** The SARIF report has the one result too, located on the layer's line in the block, suppressed there if so. */
    @Test
    void sarifHasOneResultOnTheBlocksLine(@TempDir Path dir) throws Exception {
        for (boolean suppressed : new boolean[] {false, true}) {
            Path report = dir.resolve("lint" + suppressed + ".sarif");
            compile(suppressed ? UNITS.source(null, "interface Body", SUPPRESS) : UNITS.source(),
                    "-Alamina.report=" + report);
            JsonArray results = JsonParser.parseString(Files.readString(report)).getAsJsonObject()
                    .getAsJsonArray("runs").get(0).getAsJsonObject().getAsJsonArray("results");
            assertThat(results.size()).isEqualTo(1);
            JsonObject result = results.get(0).getAsJsonObject();
            assertThat(result.get("ruleId").getAsString()).isEqualTo("ReLUBeforeAddition");
            assertThat(result.getAsJsonArray("locations").get(0).getAsJsonObject().getAsJsonObject("physicalLocation")
                    .getAsJsonObject("region").get("startLine").getAsInt()).isEqualTo(19);
            assertThat(result.has("suppressions")).isEqualTo(suppressed);
        }
    }
}
