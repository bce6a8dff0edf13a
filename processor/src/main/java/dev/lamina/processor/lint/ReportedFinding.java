package dev.lamina.processor.lint;

import java.util.Objects;

/**
 * A finding after severity, {@code -Alamina.lint.werror} and suppression: either printed by javac or
 * carried out by a rewrite instead ({@link Rule#carriedOutBy}). Code generation copies the printed
 * ones into the generated class ({@code Model.lintFindings()}) and names the carried-out ones in its
 * Javadoc.
 *
 * @param ruleId       the rule's ID without the {@code Lamina/} prefix
 * @param severity     the reported severity, never {@link Severity#OFF}
 * @param layer        the name of the layer the diagnostic is attached to
 * @param message      the diagnostic's text
 * @param carriedOutBy the rewrite that carried out the advice, so that javac did not print it; {@code ""}
 *                     when javac printed it
 */
public record ReportedFinding(String ruleId, Severity severity, String layer, String message, String carriedOutBy) {
    public ReportedFinding {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(carriedOutBy, "carriedOutBy");
    }

    /** A finding javac printed. */
    public ReportedFinding(String ruleId, Severity severity, String layer, String message) {
        this(ruleId, severity, layer, message, "");
    }

    /** Whether a rewrite carried out the advice instead of javac printing it. */
    public boolean carriedOut() {
        return !carriedOutBy.isEmpty();
    }
}
