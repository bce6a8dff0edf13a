package dev.lamina.processor.lint.sarif;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.RuleInfo;
import dev.lamina.processor.lint.Severity;
import dev.lamina.processor.lint.SourceLines.Position;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes lint findings as a SARIF 2.1.0 log (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/):
 * one run whose driver lists every rule with its metadata, and one result per finding with its
 * level, message, file, line and column. Suppressed findings are kept with an {@code inSource}
 * suppression (§3.35), as javac did not print them; findings whose advice a rewrite carried out
 * ({@link dev.lamina.processor.lint.Rule#carriedOutBy}) with an {@code external} one that names the
 * rewrite. The JSON is built as a tree and written by Gson (bundled and relocated in the processor
 * jar).
 */
public final class SarifWriter {
    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    /** Pretty-printed, and without Gson's HTML escaping ({@code <} stays {@code <}). */
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private SarifWriter() {}

    /**
     * Writes the log to {@code target} atomically: to a temporary file in the same directory, then
     * moved over the target, so that readers never see a partial report. The file gets the
     * permissions of any new file (the umask's), not the owner-only ones of
     * {@code Files.createTempFile}, so that another user (a CI uploader) can read it. The processor
     * cannot use the runtime's {@code AtomicFiles} (it must not depend on ND4J), so this is the one
     * atomic write it does, the same way.
     *
     * @throws IOException when the directory cannot be created or written
     */
    public static void write(Path target, List<RuleInfo> rules, List<SarifResult> results) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(StandardCharsets.UTF_8.encode(toJson(rules, results)));
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The SARIF log as JSON text, indented by two spaces, ending in a newline. */
    public static String toJson(List<RuleInfo> rules, List<SarifResult> results) {
        Map<String, Integer> ruleIndex = new HashMap<>();
        JsonArray ruleArray = new JsonArray();
        for (int i = 0; i < rules.size(); i++) {
            ruleIndex.put(rules.get(i).id(), i);
            ruleArray.add(rule(rules.get(i).metadata()));
        }
        JsonArray resultArray = new JsonArray();
        for (SarifResult r : results) {
            resultArray.add(result(r, ruleIndex.getOrDefault(r.rule().id(), -1)));
        }
        JsonObject driver = new JsonObject();
        driver.addProperty("name", "Lamina");
        driver.add("rules", ruleArray);
        JsonObject tool = new JsonObject();
        tool.add("driver", driver);
        JsonObject run = new JsonObject();
        run.add("tool", tool);
        run.add("results", resultArray);
        JsonArray runs = new JsonArray();
        runs.add(run);
        JsonObject log = new JsonObject();
        log.addProperty("$schema", SCHEMA);
        log.addProperty("version", "2.1.0");
        log.add("runs", runs);
        return GSON.toJson(log) + "\n";
    }

    private static JsonObject rule(Rule r) {
        JsonObject rule = new JsonObject();
        rule.addProperty("id", r.id());
        rule.addProperty("name", r.id());
        rule.add("shortDescription", text(r.summary()));
        rule.add("fullDescription", text(r.pattern() + ". " + r.rationale()));
        rule.add("help", text("Fix: " + r.fix()));
        JsonObject configuration = new JsonObject();
        configuration.addProperty("enabled", r.severity() != Severity.OFF);
        configuration.addProperty("level", levelOf(r.severity()));
        rule.add("defaultConfiguration", configuration);
        JsonObject properties = new JsonObject();
        properties.addProperty("citation", r.citation());
        rule.add("properties", properties);
        return rule;
    }

    private static JsonObject result(SarifResult r, int ruleIndex) {
        JsonObject result = new JsonObject();
        result.addProperty("ruleId", r.rule().id());
        if (ruleIndex >= 0) {
            result.addProperty("ruleIndex", ruleIndex);
        }
        result.addProperty("level", levelOf(r.level()));
        result.add("message", text(r.message()));
        JsonArray locations = new JsonArray();
        locations.add(location(r.location(), r.logicalName(), null));
        result.add("locations", locations);
        if (!r.related().isEmpty()) {
            JsonArray related = new JsonArray();
            for (int i = 0; i < r.related().size(); i++) {
                SarifResult.Related rel = r.related().get(i);
                JsonObject location = new JsonObject();
                location.addProperty("id", i);
                location(rel.location(), null, rel.description()).entrySet()
                        .forEach(e -> location.add(e.getKey(), e.getValue()));
                related.add(location);
            }
            result.add("relatedLocations", related);
        }
        JsonArray suppressions = new JsonArray();
        if (r.suppressed()) {
            suppressions.add(suppression("inSource", null));
        }
        if (!r.carriedOutBy().isEmpty()) {
            suppressions.add(suppression("external", "carried out by the generator's rewrite " + r.carriedOutBy()
                    + " (-Alamina.rewrite), so javac did not print it"));
        }
        if (!suppressions.isEmpty()) {
            result.add("suppressions", suppressions);
        }
        return result;
    }

    private static JsonObject suppression(String kind, String justification) {
        JsonObject suppression = new JsonObject();
        suppression.addProperty("kind", kind);
        if (justification != null) {
            suppression.addProperty("justification", justification);
        }
        return suppression;
    }

    /** A location: file, line and column when known, the layer's logical name, a message; each may be null. */
    private static JsonObject location(Position p, String logicalName, String message) {
        JsonObject location = new JsonObject();
        if (p != null) {
            JsonObject artifact = new JsonObject();
            artifact.addProperty("uri", p.uri());
            JsonObject region = new JsonObject();
            region.addProperty("startLine", p.line());
            region.addProperty("startColumn", p.column());
            JsonObject physical = new JsonObject();
            physical.add("artifactLocation", artifact);
            physical.add("region", region);
            location.add("physicalLocation", physical);
        }
        if (logicalName != null) {
            JsonObject logical = new JsonObject();
            logical.addProperty("fullyQualifiedName", logicalName);
            logical.addProperty("kind", "member");
            JsonArray logicalLocations = new JsonArray();
            logicalLocations.add(logical);
            location.add("logicalLocations", logicalLocations);
        }
        if (message != null) {
            location.add("message", text(message));
        }
        return location;
    }

    /** SARIF's message object, {@code {"text": ...}}. */
    private static JsonObject text(String text) {
        JsonObject message = new JsonObject();
        message.addProperty("text", text);
        return message;
    }

    /** SARIF has no "off" level; a disabled rule's default is "none" with enabled=false. */
    private static String levelOf(Severity severity) {
        return severity.sarifLevel();
    }
}
