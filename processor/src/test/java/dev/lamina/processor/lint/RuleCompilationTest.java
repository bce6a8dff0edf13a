package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.lamina.processor.lint.LintCompilation.assertNoDiagnostics;
import static dev.lamina.processor.lint.LintCompilation.assertOnly;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import dev.lamina.processor.lint.LintCompilation.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The compile-testing cases every rule must pass, run through the whole processor (read, infer
 * shapes, lint): the positive model gives exactly one diagnostic of the rule, with the expected
 * text, in the model's file, on the expected line (and column, when the rule points at an
 * annotation value); the corrected model compiles with no diagnostic at all; the rule is silenced
 * by {@code @SuppressWarnings("Lamina/<id>")} on the layer and on the interface; {@code
 * -Alamina.lint.<id>} moves it to ERROR or OFF; and a rule whose advice a rewrite carries out is
 * silent while rewrites are on. Each rule's test class extends this and supplies the models.
 */
public abstract class RuleCompilationTest {
    /** The rule under test. */
    protected abstract LintRule rule();

    /** A model with exactly one match of the rule. */
    protected abstract Model positiveModel();

    /** A substring of the source line the diagnostic must be on (a layer's {@code name()}). */
    protected abstract String line();

    /**
     * The start of the expected message: {@code [Lamina/<id>] <summary>: <why>}, with the line
     * numbers of the source {@link Model#source()} produces (layer k, from 0, is on line 7 + k).
     */
    protected abstract String message();

    /** The positive model corrected as the fix says; it must compile without any diagnostic. */
    protected abstract Model correctedModel();

    /** Text at the column the diagnostic must point to (an annotation value), or null to skip. */
    protected String column() {
        return null;
    }

    /**
     * Whether the models are compiled by a processor that only reads, infers shapes and lints
     * ({@link LintCompilation#compileLintOnly}) instead of the whole {@code LaminaProcessor}: for
     * models the generator does not handle yet. Rules carried out by a rewrite need the whole one.
     */
    protected boolean lintOnly() {
        return false;
    }

    /**
     * Whether the models use {@code @Block}s; their cases are skipped while the DSL on the test
     * class path has no block annotations (the reader for them is written on another branch).
     */
    protected boolean usesBlocks() {
        return false;
    }

    private Compilation compile(JavaFileObject source, String... options) {
        Assumptions.assumeTrue(!usesBlocks() || LintCompilation.dslHasBlocks(),
                "the DSL has no @Block/@Residual yet");
        return lintOnly() ? LintCompilation.compileLintOnly(source, options) : LintCompilation.compile(source, options);
    }

    /** Options that switch an off-by-default rule on for the positive and corrected cases. */
    protected String[] enable() {
        return new String[0];
    }

    /** The kind the positive case is reported at: the default severity, or NOTE when switched on. */
    protected Diagnostic.Kind kind() {
        Severity s = rule().metadata().severity();
        return s == Severity.OFF ? Diagnostic.Kind.NOTE : s.kind();
    }

    private String id() {
        return rule().metadata().id();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    public void positive() {
        JavaFileObject source = positiveModel().source();
        Compilation c = compile(source, enable());
        Diagnostic<? extends JavaFileObject> d = assertOnly(c, id(), kind());
        String text = d.getMessage(Locale.ROOT);
        assertThat(text).startsWith(message());
        Rule meta = rule().metadata();
        assertThat(text).contains(" (" + meta.citation() + "). Fix: ");
        assertWithMessage("source of %s", text).that(d.getSource()).isSameInstanceAs(source);
        assertWithMessage("line of %s", text).that(d.getLineNumber()).isEqualTo(lineOf(source, line()));
        if (column() != null) {
            String l = lines(source).get(lineOf(source, line()) - 1);
            assertWithMessage("column of %s", text).that(d.getColumnNumber()).isEqualTo(l.indexOf(column()) + 1);
        }
        // Also through compile-testing's own subject, as the issue asks.
        CompilationSubject subject = CompilationSubject.assertThat(c);
        switch (kind()) {
            case ERROR -> subject.hadErrorContaining(message()).inFile(source).onLineContaining(line());
            case WARNING -> subject.hadWarningContaining(message()).inFile(source).onLineContaining(line());
            default -> subject.hadNoteContaining(message()).inFile(source).onLineContaining(line());
        }
    }

    @Test
    public void negative() {
        assertNoDiagnostics(compile(correctedModel().source(), enable()));
    }

    @Test
    public void suppressedOnTheLayer() {
        JavaFileObject source = positiveModel().source(null, line(), "@SuppressWarnings(\"Lamina/" + id() + "\")");
        assertThat(lines(source).get(lineOf(source, line()) - 1)).contains("@SuppressWarnings");
        assertNoDiagnostics(compile(source, enable()));
    }

    @Test
    public void suppressedOnTheInterface() {
        assertNoDiagnostics(compile(positiveModel().source("@SuppressWarnings({\"unused\", \"Lamina/" + id() + "\"})",
                null, null), enable()));
    }

    @Test
    public void severityOption() {
        JavaFileObject source = positiveModel().source();
        String[] enable = Arrays.stream(enable()).filter(o -> !o.startsWith("-Alamina.lint." + id() + "="))
                .toArray(String[]::new);
        Compilation error = compile(source, concat(enable, "-Alamina.lint." + id() + "=ERROR"));
        assertOnly(error, id(), Diagnostic.Kind.ERROR);
        CompilationSubject.assertThat(error).failed();
        CompilationSubject.assertThat(error).hadErrorContaining(message()).inFile(source).onLineContaining(line());

        assertNoDiagnostics(compile(source, concat(enable, "-Alamina.lint." + id() + "=off")));
    }

    /**
     * The cases that apply to some rules only, as dynamic tests, so that a rule they do not apply to
     * has none (instead of skipped ones): a rule whose advice a rewrite carries out is silent with
     * rewrites on; an off-by-default rule is silent without {@link #enable()} (for the others,
     * {@link #positive} covers the default).
     */
    @TestFactory
    public Stream<DynamicTest> casesOfSomeRules() {
        List<DynamicTest> cases = new ArrayList<>();
        if (!rule().metadata().carriedOutBy().isEmpty()) {
            cases.add(DynamicTest.dynamicTest("carriedOutWithRewritesOn", this::carriedOutWithRewritesOn));
        }
        if (rule().metadata().severity() == Severity.OFF) {
            cases.add(DynamicTest.dynamicTest("offByDefault", this::offByDefault));
        }
        return cases.stream();
    }

    /**
     * A rule whose advice a rewrite carries out ({@link Rule#carriedOutBy}) prints nothing on the
     * positive model while rewrites are on, the default; its {@link #enable()} turns them off.
     */
    private void carriedOutWithRewritesOn() {
        assertThat(enable()).asList().contains("-Alamina.rewrite=false");
        String[] on = Arrays.stream(enable()).filter(o -> !o.startsWith("-Alamina.rewrite=")).toArray(String[]::new);
        assertNoDiagnostics(compile(positiveModel().source(), on));
    }

    /** An off-by-default rule stays silent without {@link #enable()}. */
    private void offByDefault() {
        assertNoDiagnostics(compile(positiveModel().source()));
    }

    /** The 1-based line of the only line containing {@code marker}. */
    protected static int lineOf(JavaFileObject source, String marker) {
        List<String> lines = lines(source);
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(marker)) {
                hits.add(i + 1);
            }
        }
        if (hits.size() != 1) {
            throw new IllegalArgumentException("'" + marker + "' is on " + hits.size() + " lines");
        }
        return hits.get(0);
    }

    private static List<String> lines(JavaFileObject source) {
        try {
            return source.getCharContent(true).toString().lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
