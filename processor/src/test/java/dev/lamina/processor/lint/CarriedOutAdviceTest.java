package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static dev.lamina.processor.lint.LintCompilation.compile;
import static dev.lamina.processor.lint.LintCompilation.render;

import com.google.testing.compile.Compilation;
import dev.lamina.processor.testing.Models;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Lint advice that the generator carries out itself ({@link Rule#carriedOutBy}) is not printed as a
 * note while rewrites are on, and is printed as before with {@code -Alamina.rewrite=false}.
 */
class CarriedOutAdviceTest {
    private static final String CLASSIFIER = "loss = Loss.SOFTMAX_CROSS_ENTROPY";

    /** Textbook models, written as their papers and tutorials do: activation, then pooling. */
    private static final Map<String, JavaFileObject> TEXTBOOK = Map.of(
            "LeNet5", Models.model("LeNet5", "input = {1, 28, 28}, " + CLASSIFIER,
                    "@Conv2d(filters = 6, kernel = 5, padding = Padding.SAME) Layer c1();", "@ReLU Layer a1();",
                    "@MaxPool2d(2) Layer s2();",
                    "@Conv2d(filters = 16, kernel = 5) Layer c3();", "@ReLU Layer a3();", "@MaxPool2d(2) Layer s4();",
                    "@Flatten Layer flat();", "@Dense(120) Layer f5();", "@ReLU Layer a5();",
                    "@Dense(84) Layer f6();", "@ReLU Layer a6();", "@Dense(10) Layer out();"),
            "LeNet5Tanh", Models.model("LeNet5Tanh", "input = {1, 32, 32}, " + CLASSIFIER,
                    "@Conv2d(filters = 6, kernel = 5) Layer c1();", "@Tanh Layer a1();", "@AvgPool2d(2) Layer s2();",
                    "@Conv2d(filters = 16, kernel = 5) Layer c3();", "@Tanh Layer a3();", "@AvgPool2d(2) Layer s4();",
                    "@Flatten Layer flat();", "@Dense(120) Layer f5();", "@Tanh Layer a5();",
                    "@Dense(84) Layer f6();", "@Tanh Layer a6();", "@Dense(10) Layer out();"),
            "Vgg", Models.model("Vgg", "input = {3, 32, 32}, " + CLASSIFIER,
                    "@Conv2d(filters = 16, kernel = 3, padding = Padding.SAME) Layer conv1a();", "@ReLU Layer relu1a();",
                    "@Conv2d(filters = 16, kernel = 3, padding = Padding.SAME) Layer conv1b();", "@ReLU Layer relu1b();",
                    "@MaxPool2d(2) Layer pool1();",
                    "@Conv2d(filters = 32, kernel = 3, padding = Padding.SAME) Layer conv2a();", "@ReLU Layer relu2a();",
                    "@Conv2d(filters = 32, kernel = 3, padding = Padding.SAME) Layer conv2b();", "@ReLU Layer relu2b();",
                    "@MaxPool2d(2) Layer pool2();",
                    "@Conv2d(filters = 64, kernel = 3, padding = Padding.SAME) Layer conv3();", "@ReLU Layer relu3();",
                    "@MaxPool2d(2) Layer pool3();",
                    "@Flatten Layer flat();", "@Dense(128) Layer fc1();", "@ReLU Layer relu4();",
                    "@Dropout(rate = 0.5) Layer drop();", "@Dense(10) Layer out();"),
            "ConvBnReluPool", Models.model("ConvBnReluPool", "input = {1, 28, 28}, " + CLASSIFIER,
                    "@Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();",
                    "@BatchNorm Layer bn1();",
                    "@ReLU Layer relu1();", "@MaxPool2d(2) Layer pool1();",
                    "@Conv2d(filters = 64, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
                    "@BatchNorm Layer bn2();",
                    "@ReLU Layer relu2();", "@MaxPool2d(2) Layer pool2();",
                    "@Flatten Layer flat();", "@Dense(10) Layer out();"),
            "LeakyElu", Models.model("LeakyElu", "input = {3, 16, 16}, " + CLASSIFIER,
                    "@Conv2d(filters = 8, kernel = 3, padding = Padding.SAME) Layer conv1();",
                    "@LeakyReLU(0.1) Layer act1();", "@MaxPool2d(2) Layer pool1();",
                    "@Conv2d(filters = 8, kernel = 3, padding = Padding.SAME) Layer conv2();",
                    "@ELU Layer act2();", "@MaxPool2d(2) Layer pool2();",
                    "@Flatten Layer flat();", "@Dense(4) Layer out();"),
            "Mlp", Models.model("Mlp", "input = {784}, " + CLASSIFIER,
                    "@Dense(256) Layer fc1();", "@ReLU Layer relu1();", "@Dropout(rate = 0.2) Layer drop1();",
                    "@Dense(128) Layer fc2();", "@ReLU Layer relu2();", "@Dense(10) Layer out();"),
            "SeedNet", Models.model("SeedNet", "input = {1, 28, 28}, " + CLASSIFIER, Models.SEED_LAYERS));

    private static final Set<String> CARRIED_OUT_RULES = LintRules.all().stream()
            .filter(r -> !r.metadata().carriedOutBy().isEmpty())
            .map(RuleInfo::id)
            .collect(Collectors.toSet());

    private static List<String> diagnosticsOf(Compilation c) {
        return render(LintCompilation.diagnostics(c));
    }

    private static boolean fromCarriedOutRule(String rendered) {
        return CARRIED_OUT_RULES.stream().anyMatch(id -> rendered.contains("[Lamina/" + id + "] "));
    }

    private static String generated(Compilation c, String model) {
        try {
            return c.generatedFile(StandardLocation.SOURCE_OUTPUT, "test", "Lamina" + model + ".java").orElseThrow()
                    .getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void someRuleIsCarriedOut() {
        assertThat(CARRIED_OUT_RULES).contains("PoolBeforeMonotoneActivation");
    }

    @Test
    void textbookModels_noCarriedOutAdviceIsPrintedWithRewritesOn_andAllOfItWithRewritesOff() {
        int carriedOut = 0;
        List<String> withNotes = new ArrayList<>();
        for (Map.Entry<String, JavaFileObject> model : TEXTBOOK.entrySet()) {
            Compilation on = compile(model.getValue());
            Compilation off = compile(model.getValue(), "-Alamina.rewrite=false");
            assertWithMessage("%s: %s", model.getKey(), diagnosticsOf(on)).that(on.status())
                    .isEqualTo(Compilation.Status.SUCCESS);
            assertWithMessage("%s: %s", model.getKey(), diagnosticsOf(off)).that(off.status())
                    .isEqualTo(Compilation.Status.SUCCESS);
            List<String> printedOn = diagnosticsOf(on);
            List<String> printedOff = diagnosticsOf(off);
            assertWithMessage("%s with rewrites on", model.getKey()).that(printedOn.stream()
                    .filter(CarriedOutAdviceTest::fromCarriedOutRule).toList()).isEmpty();
            // Rewrites change nothing else that the lint prints.
            List<String> notCarriedOut = printedOff.stream().filter(d -> !fromCarriedOutRule(d)).toList();
            assertWithMessage("%s", model.getKey()).that(printedOn).containsExactlyElementsIn(notCarriedOut).inOrder();

            List<String> advice = printedOff.stream().filter(CarriedOutAdviceTest::fromCarriedOutRule).toList();
            String javadocOn = generated(on, model.getKey());
            String javadocOff = generated(off, model.getKey());
            for (String note : advice) {
                assertThat(note).startsWith("NOTE ");
                String layer = note.substring(note.indexOf("] ") + 2).split("'")[1];
                assertWithMessage("%s: the class Javadoc names %s", model.getKey(), layer).that(javadocOn)
                        .contains("on layer {@code " + layer + "}: done by the rewrite");
            }
            assertThat(javadocOff).doesNotContain("follows by itself");
            assertThat(javadocOn.contains("follows by itself")).isEqualTo(!advice.isEmpty());
            carriedOut += advice.size();
            if (!advice.isEmpty()) {
                withNotes.add(model.getKey());
            }
        }
        // Activation -> max pool is how LeNet, VGG and conv-BN-ReLU nets are written: the notes.
        assertThat(withNotes).containsExactly("LeNet5", "Vgg", "ConvBnReluPool", "LeakyElu");
        assertThat(carriedOut).isAtLeast(withNotes.size());
    }

    @Test
    void carriedOutAdviceIsNotInLintFindingsButIsInTheSarifReport(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path report = dir.resolve("lint.sarif");
        Compilation c = compile(TEXTBOOK.get("ConvBnReluPool"), "-Alamina.report=" + report);
        assertThat(c.status()).isEqualTo(Compilation.Status.SUCCESS);
        String source = generated(c, "ConvBnReluPool");
        assertThat(source).doesNotContain("LINT_FINDINGS");
        var results = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(report)).getAsJsonObject()
                .getAsJsonArray("runs").get(0).getAsJsonObject().getAsJsonArray("results");
        assertThat(results.size()).isEqualTo(2);
        for (var result : results) {
            var r = result.getAsJsonObject();
            assertThat(r.get("ruleId").getAsString()).isEqualTo("PoolBeforeMonotoneActivation");
            var suppression = r.getAsJsonArray("suppressions").get(0).getAsJsonObject();
            assertThat(suppression.get("kind").getAsString()).isEqualTo("external");
            assertThat(suppression.get("justification").getAsString()).contains("MaxPoolBeforeMonotoneActivation");
        }
    }

    @Test
    void adviceRaisedAboveNoteIsPrintedEvenWithRewritesOn() {
        Compilation c = compile(TEXTBOOK.get("ConvBnReluPool"), "-Alamina.lint.PoolBeforeMonotoneActivation=WARNING");
        List<Diagnostic<? extends JavaFileObject>> d = LintCompilation.diagnostics(c);
        assertThat(render(d)).hasSize(2);
        for (Diagnostic<? extends JavaFileObject> diagnostic : d) {
            assertThat(diagnostic.getKind()).isEqualTo(Diagnostic.Kind.WARNING);
            assertThat(diagnostic.getMessage(Locale.ROOT)).startsWith("[Lamina/PoolBeforeMonotoneActivation] ");
        }
    }
}
