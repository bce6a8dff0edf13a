package dev.lamina.processor.options;

import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The values an option accepts. {@link #accept} returns the value as the processor uses it, or
 * empty when the value is not accepted; {@link #expected} says in words what is. javac passes a
 * bare {@code -Akey} as a null value.
 */
public enum ValueType {
    /** {@code true} or {@code false}, in any case; a bare {@code -Akey} (null or empty) means true. */
    BOOLEAN("true or false", (value, choices) -> value == null || value.isEmpty() ? Optional.of("true")
            : value.trim().equalsIgnoreCase("true") ? Optional.of("true")
            : value.trim().equalsIgnoreCase("false") ? Optional.of("false")
            : Optional.empty()),
    /** A whole number >= 1. */
    POSITIVE_INT("a positive integer", (value, choices) -> parse(value, Integer::valueOf)
            .filter(n -> n > 0).map(String::valueOf)),
    /** A number in [0, 1]. */
    PROBABILITY("a number in [0, 1]", (value, choices) -> parse(value, Double::valueOf)
            .filter(d -> d >= 0 && d <= 1).map(d -> value.trim())),
    /** One of a fixed list, exactly as listed. */
    CHOICE(null, (value, choices) -> value != null && choices.contains(value.trim())
            ? Optional.of(value.trim()) : Optional.empty()),
    /** A lint severity, {@code OFF}, {@code NOTE}, {@code WARNING} or {@code ERROR}, in any case. */
    SEVERITY("OFF, NOTE, WARNING or ERROR", (value, choices) -> Severity.parse(value).map(Severity::name)),
    /** A file name, not blank. */
    FILE("a file name", (value, choices) -> value == null || value.isBlank()
            ? Optional.empty() : Optional.of(value));

    private final String expected;
    private final BiFunction<String, List<String>, Optional<String>> accept;

    ValueType(String expected, BiFunction<String, List<String>, Optional<String>> accept) {
        this.expected = expected;
        this.accept = accept;
    }

    /** {@code value} as the option uses it; empty when not accepted. {@code choices} is for {@link #CHOICE}. */
    Optional<String> accept(String value, List<String> choices) {
        return accept.apply(value, choices);
    }

    /** What is accepted, in words: {@code "true or false"}, {@code "one of classic, preact, ic"}. */
    String expected(List<String> choices) {
        return expected != null ? expected : "one of " + String.join(", ", choices);
    }

    private static <T> Optional<T> parse(String value, java.util.function.Function<String, T> parser) {
        try {
            return Optional.of(parser.apply(value == null ? "" : value.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The type of a lint rule's parameter. */
    static ValueType of(Rule.Parameter parameter) {
        return switch (parameter.type()) {
            case POSITIVE_INT -> POSITIVE_INT;
            case PROBABILITY -> PROBABILITY;
            case CHOICE -> CHOICE;
        };
    }

    /** The choices of a lint rule's parameter (empty unless a {@link Rule.Parameter.Type#CHOICE}). */
    static List<String> choices(Rule.Parameter parameter) {
        return Arrays.asList(parameter.choices());
    }
}
