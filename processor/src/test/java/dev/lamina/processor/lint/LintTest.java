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
import com.google.testing.compile.CompilationSubject;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.LintCompilation.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine around the rules: severity, werror, suppression, option checks, SARIF, the pipeline gate. */
class LintTest {
    /** Two findings: SuspiciousDropoutRate on 'drop' (line 7), SoftmaxBeforeLogitsLoss on 'probs' (line 9). */
    private static final Model TWO_FINDINGS = new Model("input = 8",
            "@Dropout(rate = 0.9) Layer drop();",
            "@Dense(10) Layer out();",
            "@Softmax Layer probs();");

    @Test
    void findingsAreReportedInLayerOrderWithTheirSeverity() {
        Compilation c = compile(TWO_FINDINGS.source());
        List<Diagnostic<? extends JavaFileObject>> d = diagnostics(c);
        assertThat(render(d)).hasSize(2);
        assertThat(d.get(0).getMessage(Locale.ROOT)).startsWith("[Lamina/SuspiciousDropoutRate] ");
        assertThat(d.get(0).getLineNumber()).isEqualTo(7);
        assertThat(d.get(1).getMessage(Locale.ROOT)).startsWith("[Lamina/SoftmaxBeforeLogitsLoss] ");
        assertThat(d.get(1).getLineNumber()).isEqualTo(9);
        assertThat(d.get(1).getKind()).isEqualTo(Diagnostic.Kind.WARNING);
    }

    @Test
    void werrorTurnsWarningsIntoErrorsAndNotNotes() {
        Compilation c = compile(TWO_FINDINGS.source(), "-Alamina.lint.werror=true");
        CompilationSubject.assertThat(c).failed();
        assertThat(diagnostics(c).stream().map(Diagnostic::getKind).toList())
                .containsExactly(Diagnostic.Kind.ERROR, Diagnostic.Kind.ERROR);

        Model note = new Model("input = {1, 6, 6}",
                "@Conv2d(filters = 2, kernel = 3) Layer conv1();",
                "@ReLU Layer relu1();",
                "@MaxPool2d(2) Layer pool1();",
                "@Flatten Layer flatten();",
                "@Dense(2) Layer out();");
        // With rewrites off: on, the rewrite carries out this note's advice and it is not printed.
        assertOnly(compile(note.source(), "-Alamina.lint.werror=true", "-Alamina.rewrite=false"),
                "PoolBeforeMonotoneActivation", Diagnostic.Kind.NOTE);
    }

    @Test
    void laminaSuppressesEveryRule() {
        assertNoDiagnostics(compile(TWO_FINDINGS.source("@SuppressWarnings(\"Lamina\")", null, null)));
        assertNoDiagnostics(compile(TWO_FINDINGS.source(null, "drop()", "@SuppressWarnings(\"Lamina\")"),
                "-Alamina.lint.SoftmaxBeforeLogitsLoss=OFF"));
    }

    @Test
    void suppressionOnALayerSilencesOnlyThatRuleThere() {
        Compilation c = compile(TWO_FINDINGS.source(null, "drop()",
                "@SuppressWarnings(\"Lamina/SoftmaxBeforeLogitsLoss\")"));
        assertThat(render(diagnostics(c))).hasSize(2);
        Compilation d = compile(TWO_FINDINGS.source(null, "drop()",
                "@SuppressWarnings(\"Lamina/SuspiciousDropoutRate\")"));
        assertOnly(d, "SoftmaxBeforeLogitsLoss", Diagnostic.Kind.WARNING);
    }

    @Test
    void suppressionOnAnEnclosingClassCounts() {
        JavaFileObject source = JavaFileObjects.forSourceLines("test.Outer",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@SuppressWarnings(\"Lamina/SuspiciousDropoutRate\")",
                "public class Outer {",
                "    @Sequential(input = 8)",
                "    public interface Net {",
                "        @Dropout(rate = 0.9) Layer drop();",
                "        @Dense(10) Layer out();",
                "    }",
                "}");
        assertNoDiagnostics(compile(source));
    }

    @Test
    void unknownRuleInSuppressWarningsIsAWarningOnItsValue() {
        JavaFileObject source = TWO_FINDINGS.source("@SuppressWarnings(\"Lamina/SuspiciousDropoutrate\")", null, null);
        Compilation c = compile(source, "-Alamina.lint.SuspiciousDropoutRate=OFF", "-Alamina.lint.SoftmaxBeforeLogitsLoss=OFF");
        List<Diagnostic<? extends JavaFileObject>> d = diagnostics(c);
        assertThat(render(d)).hasSize(1);
        assertThat(d.get(0).getKind()).isEqualTo(Diagnostic.Kind.WARNING);
        assertThat(d.get(0).getMessage(Locale.ROOT)).isEqualTo("[Lamina/UnknownSuppression] @SuppressWarnings(\"Lamina/SuspiciousDropoutrate\")"
                + " names no lint rule 'SuspiciousDropoutrate'; did you mean 'SuspiciousDropoutRate'?; it suppresses"
                + " nothing");
        assertThat(d.get(0).getLineNumber()).isEqualTo(5);
    }

    @Test
    void unknownRuleInAnOptionIsAnErrorOfOursAndAWarningOfJavacs() {
        Compilation c = compile(new Model("input = 8", "@Dense(2) Layer out();").source(),
                "-Alamina.lint.DropoutBeforeBatchnorm=ERROR");
        List<String> messages = diagnostics(c).stream().map(d -> d.getKind() + " " + d.getMessage(Locale.ROOT)).toList();
        assertThat(messages).contains("ERROR [Lamina/BadOption] -Alamina.lint.DropoutBeforeBatchnorm names no lint rule"
                + " 'DropoutBeforeBatchnorm'; did you mean 'DropoutBeforeBatchNorm'?");
        assertThat(messages.stream().anyMatch(m -> m.startsWith("WARNING") && m.contains("not recognized")
                && m.contains("lamina.lint.DropoutBeforeBatchnorm"))).isTrue();
        assertThat(messages).hasSize(2);
    }

    @Test
    void parameterOptionReachesTheRule() {
        Model narrow = new Model("input = 8",
                "@Dropout(rate = 0.5) Layer drop();",
                "@Dense(value = 4, bias = false) Layer fc();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@Dense(2) Layer out();");
        assertNoDiagnostics(compile(narrow.source()));
        Diagnostic<? extends JavaFileObject> d = assertOnly(
                compile(narrow.source(), "-Alamina.lint.DropoutBeforeBatchNorm.minWidth=16"),
                "DropoutBeforeBatchNorm", Diagnostic.Kind.NOTE);
        assertThat(d.getMessage(Locale.ROOT)).contains("through dense 'fc'");
        assertThat(d.getLineNumber()).isEqualTo(7);
    }

    @Test
    void warningsAndNotesLetTheModelBeGenerated() {
        Compilation c = compile(TWO_FINDINGS.source());
        CompilationSubject.assertThat(c).succeeded();
        CompilationSubject.assertThat(c).generatedSourceFile("test.LaminaNet");
    }

    @Test
    void aLintErrorStopsGeneration() {
        Model error = new Model("input = 4", "@Dense(1) Layer out();", "@Softmax Layer prob();");
        Compilation c = compile(error.source());
        CompilationSubject.assertThat(c).failed();
        // the lint error and nothing from the generator, which did not run
        assertThat(render(c.diagnostics())).hasSize(1);
        assertOnly(c, "SoftmaxOnSingleUnit", Diagnostic.Kind.ERROR);
    }

    @Test
    void sarifReportHoldsEveryFindingOfTheCompilation(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("out/lint.sarif");
        JavaFileObject net = TWO_FINDINGS.source(null, "probs()", "@SuppressWarnings(\"Lamina/SoftmaxBeforeLogitsLoss\")");
        JavaFileObject other = JavaFileObjects.forSourceLines("test.Other",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@Sequential(input = 4)",
                "public interface Other {",
                "    @Dense(1) Layer out();",
                "    @Softmax Layer prob();",
                "}");
        Compilation c = Compiler.javac().withProcessors(new LaminaProcessor())
                .withOptions("-Alamina.report=" + report).compile(net, other);
        CompilationSubject.assertThat(c).failed();

        JsonObject run = JsonParser.parseString(Files.readString(report)).getAsJsonObject()
                .getAsJsonArray("runs").get(0).getAsJsonObject();
        JsonArray results = run.getAsJsonArray("results");
        assertThat(results.size()).isEqualTo(3);
        record Row(String rule, String level, String file, int line, boolean suppressed) {}
        List<Row> rows = new java.util.ArrayList<>();
        for (var r : results) {
            JsonObject o = r.getAsJsonObject();
            JsonObject physical = o.getAsJsonArray("locations").get(0).getAsJsonObject()
                    .getAsJsonObject("physicalLocation");
            String uri = physical.getAsJsonObject("artifactLocation").get("uri").getAsString();
            rows.add(new Row(o.get("ruleId").getAsString(), o.get("level").getAsString(),
                    uri.substring(uri.lastIndexOf('/') + 1),
                    physical.getAsJsonObject("region").get("startLine").getAsInt(), o.has("suppressions")));
        }
        assertThat(rows).containsExactly(
                new Row("SuspiciousDropoutRate", "warning", "Net.java", 7, false),
                new Row("SoftmaxBeforeLogitsLoss", "warning", "Net.java", 9, true),
                new Row("SoftmaxOnSingleUnit", "error", "Other.java", 6, false));
        String message = results.get(0).getAsJsonObject().getAsJsonObject("message").get("text").getAsString();
        assertThat(message).startsWith("[Lamina/SuspiciousDropoutRate] dropout rate above the usual range: dropout"
                + " 'drop' (line 7) has rate 0.9");
        JsonObject related = results.get(2).getAsJsonObject().getAsJsonArray("relatedLocations").get(0)
                .getAsJsonObject();
        assertThat(related.getAsJsonObject("physicalLocation").getAsJsonObject("region").get("startLine").getAsInt())
                .isEqualTo(5);
    }

    @Test
    void withoutSourcePositionsMessagesOmitLines() {
        ModelIR model = Ir.input(8).dropout("drop", 0.9).dense("out", 2).build();
        Report report = new Report(null);
        Lint lint = new Lint(LintRules.all(), LintOptions.defaults(), SourceLines.NONE);
        lint.run(model, report);
        assertThat(report.items()).hasSize(1);
        Report.Item item = report.items().get(0);
        assertThat(item.kind()).isEqualTo(Diagnostic.Kind.WARNING);
        assertThat(item.message()).isEqualTo("[Lamina/SuspiciousDropoutRate] dropout rate above the usual range:"
                + " dropout 'drop' has rate 0.9, so it drops 90% of the units and keeps 10%; rate is the probability"
                + " of dropping (DL4J's dropOut(x) is the probability of keeping) (UMLAUT pre-train checks (Schoop et"
                + " al., CHI 2021); deeplearning4j#3896; bonlime/keras-deeplab-v3-plus#4). Fix: if 0.9 was meant as"
                + " the probability of keeping a unit, write rate = 0.1");
    }

    @Test
    void aRuleThatThrowsBecomesAnErrorNotACrash() {
        LintRule broken = new Broken();
        Report report = new Report(null);
        new Lint(List.of(RuleInfo.of(broken)), LintOptions.defaults(), SourceLines.NONE)
                .run(Ir.input(8).dense("out", 2).build(), report);
        assertThat(report.items()).hasSize(1);
        assertThat(report.items().get(0).kind()).isEqualTo(Diagnostic.Kind.ERROR);
        assertThat(report.items().get(0).message()).contains("[Lamina/Broken] internal error");
        assertThat(report.items().get(0).message()).contains("boom");
    }

    @Rule(id = "Broken", severity = Severity.WARNING, summary = "s", pattern = "p", rationale = "r", citation = "c",
            fix = "f")
    static final class Broken implements LintRule {
        @Override
        public void check(ModelIR model, LintContext context) {
            throw new IllegalStateException("boom");
        }
    }
}
