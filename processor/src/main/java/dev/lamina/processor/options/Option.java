package dev.lamina.processor.options;

import java.util.Optional;

/**
 * Every {@code -Alamina.*} option with a fixed name, with the values it accepts and its default
 * (Dagger's {@code compileroption}). The lint's per-rule options, {@code lamina.lint.<RuleId>} and
 * {@code lamina.lint.<RuleId>.<parameter>}, are named after the registered rules; {@link
 * LaminaOptions} knows both kinds.
 */
public enum Option {
    /**
     * {@code -Alamina.rewrite=false}: generate the declared model as written, without the rewrites of
     * {@code dev.lamina.processor.rewrite} and without the generator's fusion of BatchNorm,
     * activation and Dropout in the backward pass.
     */
    REWRITE("lamina.rewrite", ValueType.BOOLEAN, "true"),
    /** {@code -Alamina.summary=true}: print each generated model's summary table as a NOTE on its interface. */
    SUMMARY("lamina.summary", ValueType.BOOLEAN, "false"),
    /** {@code -Alamina.summary.batchSize=<n>}: the batch size of the summary's activation memory. */
    SUMMARY_BATCH_SIZE("lamina.summary.batchSize", ValueType.POSITIVE_INT, "1"),
    /** {@code -Alamina.lint.werror=true}: report lint warnings as errors. */
    LINT_WERROR("lamina.lint.werror", ValueType.BOOLEAN, "false"),
    /** {@code -Alamina.report=<file>}: write every lint finding of the compilation to a SARIF 2.1.0 file. */
    REPORT("lamina.report", ValueType.FILE, null);

    /** What every Lamina option name starts with. */
    public static final String PREFIX = "lamina.";
    /** What the per-rule lint options start with: {@code lamina.lint.<RuleId>[.<parameter>]}. */
    public static final String LINT_PREFIX = PREFIX + "lint.";

    private final String key;
    private final ValueType type;
    private final String defaultValue;

    Option(String key, ValueType type, String defaultValue) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
    }

    /** The name after {@code -A}, e.g. {@code lamina.rewrite}. */
    public String key() {
        return key;
    }

    /** The values it accepts. */
    public ValueType type() {
        return type;
    }

    /** The value when the option is not given; empty when unset means "not in effect". */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** The option named {@code key}, if any. */
    public static Optional<Option> forKey(String key) {
        for (Option o : values()) {
            if (o.key.equals(key)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
