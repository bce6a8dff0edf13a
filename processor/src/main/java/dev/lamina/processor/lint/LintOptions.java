package dev.lamina.processor.lint;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The lint's part of the processor options, as {@link dev.lamina.processor.options.LaminaOptions}
 * parsed and checked them:
 * <ul>
 *   <li>{@code -Alamina.lint.<RuleId>=OFF|NOTE|WARNING|ERROR}: a rule's severity;
 *   <li>{@code -Alamina.lint.<RuleId>.<parameter>=<value>}: a rule's parameter (see {@link Rule#parameters});
 *   <li>{@code -Alamina.lint.werror=true}: report warnings as errors;
 *   <li>{@code -Alamina.report=<file>}: write every finding of the compilation to a SARIF 2.1.0 file.
 * </ul>
 */
public final class LintOptions {
    private final Map<String, Severity> severities;
    private final Map<String, Map<String, String>> parameters;
    private final boolean werror;
    private final String reportPath;

    /**
     * @param severities severities set by option, by rule ID
     * @param parameters parameter values set by option, by rule ID, then by parameter name
     * @param werror     whether warnings are reported as errors
     * @param reportPath the SARIF report file, or null for none
     */
    public LintOptions(Map<String, Severity> severities, Map<String, Map<String, String>> parameters,
            boolean werror, String reportPath) {
        this.severities = Map.copyOf(severities);
        Map<String, Map<String, String>> copy = new HashMap<>();
        parameters.forEach((rule, values) -> copy.put(rule, Map.copyOf(values)));
        this.parameters = Map.copyOf(copy);
        this.werror = werror;
        this.reportPath = reportPath;
    }

    /** No option set: every rule at its default severity, no report. */
    public static LintOptions defaults() {
        return new LintOptions(Map.of(), Map.of(), false, null);
    }

    /**
     * The rule's severity: the option if set; else NOTE for an off-by-default rule whose enabling
     * parameter is set; else the rule's default.
     */
    public Severity severity(RuleInfo rule) {
        Severity set = severities.get(rule.id());
        if (set != null) {
            return set;
        }
        Severity byDefault = rule.metadata().severity();
        if (byDefault == Severity.OFF) {
            for (Rule.Parameter p : rule.metadata().parameters()) {
                if (p.enablesRule() && parameter(rule, p.name()).isPresent()) {
                    return Severity.NOTE;
                }
            }
        }
        return byDefault;
    }

    /** The parameters the user set for {@code rule}, by name. */
    public Map<String, String> parameters(RuleInfo rule) {
        return parameters.getOrDefault(rule.id(), Map.of());
    }

    /** The value the user set for {@code rule}'s parameter {@code name}, if any. */
    public Optional<String> parameter(RuleInfo rule, String name) {
        return Optional.ofNullable(parameters(rule).get(name));
    }

    /** {@code -Alamina.lint.werror=true}: warnings are reported as errors. */
    public boolean werror() {
        return werror;
    }

    /** The SARIF report file, if one was requested. */
    public Optional<String> reportPath() {
        return Optional.ofNullable(reportPath);
    }
}
