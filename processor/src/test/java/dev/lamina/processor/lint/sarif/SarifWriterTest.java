package dev.lamina.processor.lint.sarif;

import static com.google.common.truth.Truth.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.lint.RuleInfo;
import dev.lamina.processor.lint.Severity;
import dev.lamina.processor.lint.SourceLines.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SarifWriterTest {
    private static final List<RuleInfo> RULES = LintRules.all();

    private static RuleInfo rule(String id) {
        return RULES.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void messagesSurviveQuotesControlCharactersAndNonAscii() {
        String message = "a\"b\\c\nd\te\u0001 é \u2192 <x> & 'y'\r\n";
        SarifResult result = new SarifResult(rule("DropoutBeforeBatchNorm"), Severity.WARNING, message, null, "t.N.d",
                false, List.of());
        String json = SarifWriter.toJson(RULES, List.of(result));
        JsonObject log = JsonParser.parseString(json).getAsJsonObject();
        assertThat(log.getAsJsonArray("runs").get(0).getAsJsonObject().getAsJsonArray("results").get(0)
                .getAsJsonObject().getAsJsonObject("message").get("text").getAsString()).isEqualTo(message);
        assertThat(json).contains("<x> & 'y'");
        assertThat(json).endsWith("}\n");
    }

    @Test
    void carriedOutFindingIsKeptWithAnExternalSuppression() {
        SarifResult result = new SarifResult(rule("PoolBeforeMonotoneActivation"), Severity.NOTE, "m", null, "t.N.act",
                false, List.of(), "MaxPoolBeforeMonotoneActivation");
        JsonObject first = JsonParser.parseString(SarifWriter.toJson(RULES, List.of(result))).getAsJsonObject()
                .getAsJsonArray("runs").get(0).getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
        assertThat(first.get("level").getAsString()).isEqualTo("note");
        JsonObject suppression = first.getAsJsonArray("suppressions").get(0).getAsJsonObject();
        assertThat(suppression.get("kind").getAsString()).isEqualTo("external");
        assertThat(suppression.get("justification").getAsString()).contains("MaxPoolBeforeMonotoneActivation");
    }

    @Test
    void logHasTheRulesAndOneResultPerFinding() {
        SarifResult warning = new SarifResult(rule("DropoutBeforeBatchNorm"), Severity.WARNING,
                "[Lamina/DropoutBeforeBatchNorm] a \"quoted\" message", new Position("file:///src/test/Net.java", 10, 5),
                "test.Net.drop1", false,
                List.of(new SarifResult.Related(new Position("file:///src/test/Net.java", 12, 5), "batch norm 'bn2'")));
        SarifResult suppressed = new SarifResult(rule("SuspiciousDropoutRate"), Severity.ERROR, "m", null,
                "test.Net.drop2", true, List.of());
        JsonObject log = JsonParser.parseString(SarifWriter.toJson(RULES, List.of(warning, suppressed)))
                .getAsJsonObject();

        assertThat(log.get("version").getAsString()).isEqualTo("2.1.0");
        assertThat(log.get("$schema").getAsString()).contains("sarif-2.1.0");
        JsonObject run = log.getAsJsonArray("runs").get(0).getAsJsonObject();
        JsonObject driver = run.getAsJsonObject("tool").getAsJsonObject("driver");
        assertThat(driver.get("name").getAsString()).isEqualTo("Lamina");
        JsonArray rules = driver.getAsJsonArray("rules");
        assertThat(rules.size()).isEqualTo(RULES.size());
        int index = RULES.indexOf(rule("DropoutBeforeBatchNorm"));
        JsonObject ruleJson = rules.get(index).getAsJsonObject();
        assertThat(ruleJson.get("id").getAsString()).isEqualTo("DropoutBeforeBatchNorm");
        assertThat(ruleJson.getAsJsonObject("shortDescription").get("text").getAsString())
                .isEqualTo(rule("DropoutBeforeBatchNorm").metadata().summary());
        assertThat(ruleJson.getAsJsonObject("defaultConfiguration").get("level").getAsString()).isEqualTo("warning");
        assertThat(ruleJson.getAsJsonObject("properties").get("citation").getAsString()).contains("1801.05134");
        JsonObject off = rules.get(RULES.indexOf(rule("BlockTemplate"))).getAsJsonObject();
        assertThat(off.getAsJsonObject("defaultConfiguration").get("enabled").getAsBoolean()).isFalse();

        JsonArray results = run.getAsJsonArray("results");
        assertThat(results.size()).isEqualTo(2);
        JsonObject first = results.get(0).getAsJsonObject();
        assertThat(first.get("ruleId").getAsString()).isEqualTo("DropoutBeforeBatchNorm");
        assertThat(first.get("ruleIndex").getAsInt()).isEqualTo(index);
        assertThat(first.get("level").getAsString()).isEqualTo("warning");
        assertThat(first.getAsJsonObject("message").get("text").getAsString())
                .isEqualTo("[Lamina/DropoutBeforeBatchNorm] a \"quoted\" message");
        JsonObject location = first.getAsJsonArray("locations").get(0).getAsJsonObject();
        JsonObject physical = location.getAsJsonObject("physicalLocation");
        assertThat(physical.getAsJsonObject("artifactLocation").get("uri").getAsString())
                .isEqualTo("file:///src/test/Net.java");
        assertThat(physical.getAsJsonObject("region").get("startLine").getAsInt()).isEqualTo(10);
        assertThat(physical.getAsJsonObject("region").get("startColumn").getAsInt()).isEqualTo(5);
        assertThat(location.getAsJsonArray("logicalLocations").get(0).getAsJsonObject().get("fullyQualifiedName")
                .getAsString()).isEqualTo("test.Net.drop1");
        JsonObject related = first.getAsJsonArray("relatedLocations").get(0).getAsJsonObject();
        assertThat(related.getAsJsonObject("physicalLocation").getAsJsonObject("region").get("startLine").getAsInt())
                .isEqualTo(12);
        assertThat(related.getAsJsonObject("message").get("text").getAsString()).isEqualTo("batch norm 'bn2'");
        assertThat(first.has("suppressions")).isFalse();

        JsonObject second = results.get(1).getAsJsonObject();
        assertThat(second.get("level").getAsString()).isEqualTo("error");
        assertThat(second.getAsJsonArray("locations").get(0).getAsJsonObject().has("physicalLocation")).isFalse();
        assertThat(second.getAsJsonArray("suppressions").get(0).getAsJsonObject().get("kind").getAsString())
                .isEqualTo("inSource");
    }

    @Test
    void reportFileHasTheUsualPermissionsAndNoTemporaryFileRemains(@TempDir Path dir) throws IOException {
        Path report = dir.resolve("out/lamina.sarif");
        SarifWriter.write(report, List.of(), List.of());
        SarifWriter.write(report, List.of(), List.of());

        Path ordinary = Files.createFile(dir.resolve("ordinary"));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(report)).isEqualTo(Files.getPosixFilePermissions(ordinary));
        }
        try (var files = Files.list(report.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("lamina.sarif");
        }
        assertThat(JsonParser.parseString(Files.readString(report)).isJsonObject()).isTrue();
    }

    @Test
    void emptyLogIsValidJson() {
        JsonObject log = JsonParser.parseString(SarifWriter.toJson(List.of(), List.of())).getAsJsonObject();
        JsonObject run = log.getAsJsonArray("runs").get(0).getAsJsonObject();
        assertThat(run.getAsJsonArray("results").size()).isEqualTo(0);
    }

    @Test
    void writeReplacesTheFileAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("reports/lint.sarif");
        SarifWriter.write(target, RULES, List.of());
        Files.writeString(target, "stale");
        SarifWriter.write(target, RULES, List.of());
        assertThat(JsonParser.parseString(Files.readString(target)).getAsJsonObject().get("version").getAsString())
                .isEqualTo("2.1.0");
        try (var files = Files.list(target.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("lint.sarif");
        }
    }
}
