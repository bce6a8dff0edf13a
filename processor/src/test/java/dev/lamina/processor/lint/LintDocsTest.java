package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/lint-rules.md} (and a README rules table between {@link LintDocs#BEGIN} and
 * {@link LintDocs#END}, if there is one) equal to what the registry generates. Run with
 * {@code -Dlamina.updateDocs=true} to rewrite them instead of failing.
 */
class LintDocsTest {
    private static final boolean UPDATE = Boolean.getBoolean("lamina.updateDocs");

    /** The repository root: the nearest directory above the working directory with a docs/ or .git. */
    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        // surefire runs in processor/; the root holds the parent pom with the processor module
        while (dir != null && !Files.isDirectory(dir.resolve("processor"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    @Test
    void docsPageIsUpToDate() throws IOException {
        Path page = root().resolve("docs/lint-rules.md");
        String expected = LintDocs.page(LintRules.all());
        if (UPDATE) {
            Files.createDirectories(page.getParent());
            Files.writeString(page, expected, StandardCharsets.UTF_8);
        }
        assertWithMessage("%s exists; regenerate with -Dlamina.updateDocs=true", page)
                .that(Files.exists(page)).isTrue();
        assertWithMessage("%s is stale; regenerate with -Dlamina.updateDocs=true", page)
                .that(Files.readString(page, StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void readmeTableIsUpToDateWhereItHasMarkers() throws IOException {
        Path readme = root().resolve("README.md");
        if (!Files.exists(readme)) {
            return;
        }
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        String expected = LintDocs.withTable(text, LintRules.all());
        if (UPDATE && !expected.equals(text)) {
            Files.writeString(readme, expected, StandardCharsets.UTF_8);
            text = expected;
        }
        assertWithMessage("rules table in %s is stale; regenerate with -Dlamina.updateDocs=true", readme)
                .that(text).isEqualTo(expected);
    }

    @Test
    void tableHasOneRowPerRuleWithSeverityAndEscapedCells() {
        String table = LintDocs.table(LintRules.all());
        assertThat(table.lines().count()).isEqualTo(2 + LintRules.all().size());
        assertThat(table).contains("| [DropoutBeforeBatchNorm](docs/lint-rules.md#dropoutbeforebatchnorm) | WARNING |");
        assertThat(table).contains("| [BlockTemplate](docs/lint-rules.md#blocktemplate) | OFF |");
        for (String row : table.lines().toList()) {
            // 5 cells: 6 unescaped pipes
            assertWithMessage(row).that(row.replace("\\|", "").chars().filter(c -> c == '|').count()).isEqualTo(6);
        }
    }

    @Test
    void withTableReplacesOnlyBetweenMarkers() {
        String text = "intro\n" + LintDocs.BEGIN + "\nold table\n" + LintDocs.END + "\noutro\n";
        String updated = LintDocs.withTable(text, LintRules.all());
        assertThat(updated).startsWith("intro\n" + LintDocs.BEGIN + "\n| ID | Default |");
        assertThat(updated).endsWith("|\n" + LintDocs.END + "\noutro\n");
        assertThat(updated).doesNotContain("old table");
        assertThat(LintDocs.withTable("no markers", LintRules.all())).isEqualTo("no markers");
    }
}
