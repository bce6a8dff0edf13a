package dev.lamina.processor.lint.sarif;

import dev.lamina.processor.lint.RuleInfo;
import dev.lamina.processor.lint.Severity;
import dev.lamina.processor.lint.SourceLines.Position;
import java.util.List;

/**
 * One finding as the SARIF report records it.
 *
 * @param rule       the rule that matched
 * @param level      the severity it was reported at (after options and {@code werror})
 * @param message    the full diagnostic text
 * @param location   where javac reported it, or null when positions are unknown
 * @param logicalName the layer, as {@code pkg.Model.layer}
 * @param suppressed whether {@code @SuppressWarnings} hid it from javac
 * @param related    other layers the message names
 * @param carriedOutBy the rewrite that carried out the finding's advice, so that javac did not print
 *                   it ({@link dev.lamina.processor.lint.Rule#carriedOutBy}), or {@code ""}
 */
public record SarifResult(RuleInfo rule, Severity level, String message, Position location, String logicalName,
        boolean suppressed, List<Related> related, String carriedOutBy) {
    public SarifResult {
        related = List.copyOf(related);
        carriedOutBy = carriedOutBy == null ? "" : carriedOutBy;
    }

    /** A finding that no rewrite carried out. */
    public SarifResult(RuleInfo rule, Severity level, String message, Position location, String logicalName,
            boolean suppressed, List<Related> related) {
        this(rule, level, message, location, logicalName, suppressed, related, "");
    }

    /** A related layer: its position (may be null) and a short description. */
    public record Related(Position location, String description) {}
}
