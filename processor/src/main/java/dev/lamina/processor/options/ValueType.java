package dev.lamina.processor.options;

import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The values an option accepts. {@link #accept} returns the value as the processor uses it, or
 * empty when the value is not accepted; {@link #expected} says in words what is. javac passes a
 * bare {@code -Akey} as a null value.
 */
public enum ValueType {
    /** {@code true} or {@code false}, in any case; a bare {@code -Akey} (null or empty) means true. */
    BOOLEAN {
        @Override
        Optional<String> accept(String value, List<String> choices) {
            if (value == null || value.isEmpty() || value.trim().equalsIgnoreCase("true")) {
                return Optional.of("true");
            }
            return value.trim().equalsIgnoreCase("false") ? Optional.of("false") : Optional.empty();
        }

        @Override
        String expected(List<String> choices) {
            return "true or false";
        }
    },
    /** A whole number >= 1. */
    POSITIVE_INT {
        @Override
        Optional<String> accept(String value, List<String> choices) {
            try {
                int n = Integer.parseInt(value == null ? "" : value.trim());
                return n > 0 ? Optional.of(Integer.toString(n)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        String expected(List<String> choices) {
            return "a positive integer";
        }
    },
    /** A number in [0, 1]. */
    PROBABILITY {
        @Override
        Optional<String> accept(String value, List<String> choices) {
            try {
                double d = Double.parseDouble(value == null ? "" : value.trim());
                return d >= 0 && d <= 1 ? Optional.of(value.trim()) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        String expected(List<String> choices) {
            return "a number in [0, 1]";
        }
    },
    /** One of a fixed list, exactly as listed. */
    CHOICE {
        @Override
        Optional<String> accept(String value, List<String> choices) {
            return value != null && choices.contains(value.trim()) ? Optional.of(value.trim()) : Optional.empty();
        }

        @Override
        String expected(List<String> choices) {
            return "one of " + String.join(", ", choices);
        }
    },
    /** A lint severity, {@code OFF}, {@code NOTE}, {@code WARNING} or {@code ERROR}, in any case. */
    SEVERITY {
        @Override
        Optional<String> accept(String value, List<String> choices) {
            return Severity.parse(value).map(Severity::name);
        }

        @Override
        String expected(List<String> choices) {
            return "OFF, NOTE, WARNING or ERROR";
        }
    },
    /** A file name, not blank. */
    FILE {
        @Override
        Optional<String> accept(String value, List<String> choices) {
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
        }

        @Override
        String expected(List<String> choices) {
            return "a file name";
        }
    };

    abstract Optional<String> accept(String value, List<String> choices);

    abstract String expected(List<String> choices);

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

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
