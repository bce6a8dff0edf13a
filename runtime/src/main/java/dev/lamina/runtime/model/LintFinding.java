package dev.lamina.runtime.model;

import java.util.Objects;

/**
 * One lint finding that Lamina's annotation processor reported on a model when it was compiled, kept
 * in the generated class so that programs can read what javac printed ({@link Model#lintFindings()}).
 * Findings suppressed with {@code @SuppressWarnings} or of rules set to {@code OFF} are not kept;
 * errors stop generation, so a generated model carries only warnings and notes.
 *
 * @param ruleId   the rule's ID without the {@code Lamina/} prefix, e.g. {@code DropoutBeforeBatchNorm}
 * @param severity how javac reported it: {@code WARNING} or {@code NOTE}
 * @param layer    the name of the layer the finding is attached to
 * @param message  the full diagnostic as javac printed it, {@code [Lamina/<RuleId>] <summary>: <why> ...}
 */
public record LintFinding(String ruleId, String severity, String layer, String message) {
    /**
     * Checks that no component is null.
     *
     * @param ruleId   the rule's ID without the {@code Lamina/} prefix
     * @param severity {@code WARNING} or {@code NOTE}
     * @param layer    the name of the layer the finding is attached to
     * @param message  the full diagnostic as javac printed it
     * @throws NullPointerException if one is
     */
    public LintFinding {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(message, "message");
    }
}
