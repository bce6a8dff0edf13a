package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.lint.RuleInfo;
import dev.lamina.processor.testing.Models;
import dev.lamina.processor.testing.WritesSourceOnce;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every diagnostic the processor prints starts with a stable ID in brackets, {@code [Lamina/<Id>]}
 * (Dagger's {@code [Dagger/DependencyCycle]}): the IDs of {@link Messages} and the lint rules'.
 */
class DiagnosticIdsTest {
    private static final Pattern ID = Pattern.compile("[A-Z][A-Za-z0-9]+");
    private static final String MODEL_LAYERS = "@Dense(2) Layer out();";

    private static Compilation compile(String... options) {
        return Compiler.javac().withProcessors(new LaminaProcessor()).withOptions((Object[]) options)
                .compile(Models.model("Net", "input = 8", MODEL_LAYERS));
    }

    @Test
    void idsAreUniqueWordsDistinctFromTheRuleIds() {
        Set<String> seen = new HashSet<>();
        for (String id : Messages.IDS) {
            assertWithMessage("ID %s", id).that(ID.matcher(id).matches()).isTrue();
            assertWithMessage("duplicate ID %s", id).that(seen.add(id)).isTrue();
        }
        for (RuleInfo rule : LintRules.all()) {
            assertWithMessage("rule ID %s", rule.id()).that(seen.add(rule.id())).isTrue();
        }
    }

    /** A bare {@code [Lamina]} would be a diagnostic without an ID. */
    @Test
    void noSourceOfTheProcessorPrintsABarePrefix() throws IOException {
        Path main = Path.of("src", "main", "java");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> read(p).contains("[Lamina]"))
                    .map(Path::toString)
                    .toList();
        }
        assertThat(offenders).isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void misspelledRewriteOptionIsAnError() {
        Compilation c = compile("-Alamina.rewrite=flase");
        assertThat(c).failed();
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Lamina/BadOption] -Alamina.rewrite=flase: expected true or false");
    }

    @Test
    void unknownLaminaOptionIsAnError() {
        Compilation c = compile("-Alamina.nosuch=1");
        assertThat(c).failed();
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("[Lamina/BadOption] -Alamina.nosuch=1 names no Lamina option; the options"
                + " are lamina.lint.<RuleId>, lamina.lint.<RuleId>.<parameter>, lamina.lint.werror, lamina.report,"
                + " lamina.rewrite, lamina.summary, lamina.summary.batchSize");
        // javac adds its own warning for a name no processor declared.
        assertThat(c).hadWarningContaining("lamina.nosuch");
    }

    @Test
    void everyDeclaredOptionIsAcceptedWithoutADiagnostic() {
        Compilation c = compile("-Alamina.rewrite=false", "-Alamina.summary=false", "-Alamina.summary.batchSize=4",
                "-Alamina.lint.werror=false", "-Alamina.lint.SuspiciousDropoutRate=WARNING",
                "-Alamina.lint.SuspiciousDropoutRate.maxRate=0.6");
        assertThat(c).succeededWithoutWarnings();
        assertThat(c.diagnostics()).isEmpty();
    }

    @Test
    void layerOutsideAModelHasAnId() {
        JavaFileObject source = Models.source("NotAModel", "package test;", "import dev.lamina.dsl.*;",
                "public interface NotAModel {", "    @Dense(10) Layer fc();", "}");
        Compilation c = Compiler.javac().withProcessors(new LaminaProcessor()).compile(source);
        assertThat(c).hadErrorContaining("[Lamina/LayerOutsideModel] @Dense on 'fc' in 'NotAModel' has no effect");
    }

    @Test
    void reportThatCannotBeWrittenIsAWriteFailed(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Compilation c = compile("-Alamina.report=" + file.resolve("lint.sarif"));
        assertThat(c).hadErrorContaining("[Lamina/WriteFailed] could not write the lint report " + file.resolve(
                "lint.sarif"));
    }

    @Test
    void generatedClassThatCannotBeWrittenIsAWriteFailed() {
        // Another processor writes test.LaminaNet in the same round, before Lamina: the Filer then refuses Lamina's.
        Compilation c = Compiler.javac().withProcessors(new WritesSourceOnce("test.LaminaNet", "package test; final class LaminaNet {}"), new LaminaProcessor())
                .compile(Models.model("Net", "input = 8", MODEL_LAYERS));
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("[Lamina/WriteFailed] could not write the generated class: ");
    }

    @Test
    void internalErrorHasAnId() {
        assertThat(Messages.internalError("trace")).isEqualTo("[Lamina/InternalError] internal error while processing"
                + " this model; please report it: trace");
    }

    @Test
    void everyProcessorDiagnosticOfACompilationStartsWithAnId() {
        Compilation c = compile("-Alamina.summary=true", "-Alamina.lint.BlockTemplate=NOTE", "-Alamina.nosuch");
        List<String> ours = c.diagnostics().stream()
                .map(d -> d.getMessage(Locale.ROOT))
                .filter(m -> m.contains("Lamina") && !m.contains("not recognized"))
                .toList();
        assertThat(ours).hasSize(3);
        for (String message : ours) {
            assertThat(message).matches("(?s)\\[Lamina/[A-Z][A-Za-z]+\\] .*");
        }
        assertThat(c.diagnostics().stream().map(Diagnostic::getKind).toList()).contains(Diagnostic.Kind.NOTE);
    }
}
