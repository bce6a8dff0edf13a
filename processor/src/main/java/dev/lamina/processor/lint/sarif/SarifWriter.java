package dev.lamina.processor.lint.sarif;

import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.RuleInfo;
import dev.lamina.processor.lint.Severity;
import dev.lamina.processor.lint.SourceLines.Position;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes lint findings as a SARIF 2.1.0 log (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/):
 * one run whose driver lists every rule with its metadata, and one result per finding with its
 * level, message, file, line and column. Suppressed findings are kept with an {@code inSource}
 * suppression (§3.35), as javac did not print them.
 */
public final class SarifWriter {
    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    private SarifWriter() {}

    /**
     * Writes the log to {@code target} atomically: to a temporary file in the same directory, then
     * moved over the target, so that readers never see a partial report.
     *
     * @throws IOException when the directory cannot be created or written
     */
    public static void write(Path target, List<RuleInfo> rules, List<SarifResult> results) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, toJson(rules, results), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The SARIF log as JSON text. */
    public static String toJson(List<RuleInfo> rules, List<SarifResult> results) {
        Map<String, Integer> ruleIndex = new HashMap<>();
        StringBuilder s = new StringBuilder();
        s.append("{\n");
        s.append("  \"$schema\": ").append(Json.string(SCHEMA)).append(",\n");
        s.append("  \"version\": \"2.1.0\",\n");
        s.append("  \"runs\": [\n    {\n");
        s.append("      \"tool\": {\n        \"driver\": {\n");
        s.append("          \"name\": \"Lamina\",\n");
        s.append("          \"rules\": [");
        for (int i = 0; i < rules.size(); i++) {
            RuleInfo r = rules.get(i);
            ruleIndex.put(r.id(), i);
            s.append(i == 0 ? "\n" : ",\n");
            appendRule(s, r.metadata());
        }
        s.append(rules.isEmpty() ? "]\n" : "\n          ]\n");
        s.append("        }\n      },\n");
        s.append("      \"results\": [");
        for (int i = 0; i < results.size(); i++) {
            s.append(i == 0 ? "\n" : ",\n");
            appendResult(s, results.get(i), ruleIndex.getOrDefault(results.get(i).rule().id(), -1));
        }
        s.append(results.isEmpty() ? "]\n" : "\n      ]\n");
        s.append("    }\n  ]\n}\n");
        return s.toString();
    }

    private static void appendRule(StringBuilder s, Rule r) {
        String pad = "            ";
        s.append(pad).append("{\n");
        s.append(pad).append("  \"id\": ").append(Json.string(r.id())).append(",\n");
        s.append(pad).append("  \"name\": ").append(Json.string(r.id())).append(",\n");
        s.append(pad).append("  \"shortDescription\": { \"text\": ").append(Json.string(r.summary())).append(" },\n");
        s.append(pad).append("  \"fullDescription\": { \"text\": ")
                .append(Json.string(r.pattern() + ". " + r.rationale())).append(" },\n");
        s.append(pad).append("  \"help\": { \"text\": ").append(Json.string("Fix: " + r.fix())).append(" },\n");
        s.append(pad).append("  \"defaultConfiguration\": { \"enabled\": ").append(r.severity() != Severity.OFF)
                .append(", \"level\": ").append(Json.string(levelOf(r.severity()))).append(" },\n");
        s.append(pad).append("  \"properties\": { \"citation\": ").append(Json.string(r.citation())).append(" }\n");
        s.append(pad).append("}");
    }

    private static void appendResult(StringBuilder s, SarifResult r, int ruleIndex) {
        String pad = "        ";
        s.append(pad).append("{\n");
        s.append(pad).append("  \"ruleId\": ").append(Json.string(r.rule().id())).append(",\n");
        if (ruleIndex >= 0) {
            s.append(pad).append("  \"ruleIndex\": ").append(ruleIndex).append(",\n");
        }
        s.append(pad).append("  \"level\": ").append(Json.string(levelOf(r.level()))).append(",\n");
        s.append(pad).append("  \"message\": { \"text\": ").append(Json.string(r.message())).append(" },\n");
        s.append(pad).append("  \"locations\": [ ");
        appendLocation(s, r.location(), r.logicalName(), null);
        s.append(" ]");
        if (!r.related().isEmpty()) {
            s.append(",\n").append(pad).append("  \"relatedLocations\": [");
            for (int i = 0; i < r.related().size(); i++) {
                SarifResult.Related rel = r.related().get(i);
                s.append(i == 0 ? "\n" : ",\n").append(pad).append("    { \"id\": ").append(i).append(", ");
                appendLocationBody(s, rel.location(), null, rel.description());
                s.append(" }");
            }
            s.append("\n").append(pad).append("  ]");
        }
        if (r.suppressed()) {
            s.append(",\n").append(pad).append("  \"suppressions\": [ { \"kind\": \"inSource\" } ]");
        }
        s.append("\n").append(pad).append("}");
    }

    private static void appendLocation(StringBuilder s, Position p, String logicalName, String message) {
        s.append("{ ");
        appendLocationBody(s, p, logicalName, message);
        s.append(" }");
    }

    private static void appendLocationBody(StringBuilder s, Position p, String logicalName, String message) {
        boolean first = true;
        if (p != null) {
            s.append("\"physicalLocation\": { \"artifactLocation\": { \"uri\": ").append(Json.string(p.uri()))
                    .append(" }, \"region\": { \"startLine\": ").append(p.line())
                    .append(", \"startColumn\": ").append(p.column()).append(" } }");
            first = false;
        }
        if (logicalName != null) {
            s.append(first ? "" : ", ").append("\"logicalLocations\": [ { \"fullyQualifiedName\": ")
                    .append(Json.string(logicalName)).append(", \"kind\": \"member\" } ]");
            first = false;
        }
        if (message != null) {
            s.append(first ? "" : ", ").append("\"message\": { \"text\": ").append(Json.string(message)).append(" }");
        }
    }

    /** SARIF has no "off" level; a disabled rule's default is "none" with enabled=false. */
    private static String levelOf(Severity severity) {
        return severity.sarifLevel();
    }
}
