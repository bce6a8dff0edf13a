package dev.lamina.processor.lint;

import java.util.Objects;

/**
 * A finding as javac reported it: after severity, {@code -Alamina.lint.werror} and suppression. Code
 * generation copies these into the generated class ({@code Model.lintFindings()}).
 *
 * @param ruleId   the rule's ID without the {@code Lamina/} prefix
 * @param severity the reported severity, never {@link Severity#OFF}
 * @param layer    the name of the layer the diagnostic is attached to
 * @param message  the diagnostic's text
 */
public record ReportedFinding(String ruleId, Severity severity, String layer, String message) {
    public ReportedFinding {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(message, "message");
    }
}
