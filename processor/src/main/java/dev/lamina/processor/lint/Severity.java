package dev.lamina.processor.lint;

import java.util.Locale;
import java.util.Optional;
import javax.tools.Diagnostic;

/**
 * How a lint finding is reported. {@link #OFF} disables a rule; the others map to javac's
 * diagnostic kinds and to SARIF 2.1.0 result levels (§3.27.10).
 */
public enum Severity {
    OFF(null, "none"),
    NOTE(Diagnostic.Kind.NOTE, "note"),
    WARNING(Diagnostic.Kind.WARNING, "warning"),
    ERROR(Diagnostic.Kind.ERROR, "error");

    private final Diagnostic.Kind kind;
    private final String sarifLevel;

    Severity(Diagnostic.Kind kind, String sarifLevel) {
        this.kind = kind;
        this.sarifLevel = sarifLevel;
    }

    /** The javac diagnostic kind; null for {@link #OFF}. */
    public Diagnostic.Kind kind() {
        return kind;
    }

    /** The SARIF {@code level} value. */
    public String sarifLevel() {
        return sarifLevel;
    }

    /** The lower of the two severities. */
    public Severity atMost(Severity cap) {
        return compareTo(cap) <= 0 ? this : cap;
    }

    /** Parses {@code OFF|NOTE|WARNING|ERROR}, ignoring case; empty for anything else. */
    public static Optional<Severity> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
