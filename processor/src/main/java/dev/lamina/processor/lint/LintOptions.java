package dev.lamina.processor.lint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The lint's {@code -A} options, parsed once per compilation:
 * <ul>
 *   <li>{@code -Alamina.lint.<RuleId>=OFF|NOTE|WARNING|ERROR}: a rule's severity;
 *   <li>{@code -Alamina.lint.<RuleId>.<parameter>=<value>}: a rule's parameter (see {@link Rule#parameters});
 *   <li>{@code -Alamina.lint.werror=true}: report warnings as errors;
 *   <li>{@code -Alamina.report=<file>}: write every finding of the compilation to a SARIF 2.1.0 file.
 * </ul>
 * Malformed values and keys under {@code lamina.lint.} that name no rule or parameter are not
 * ignored silently: each becomes one of {@link #problems()}, which the processor prints as warnings.
 */
public final class LintOptions {
    public static final String LINT_PREFIX = "lamina.lint.";
    public static final String WERROR = LINT_PREFIX + "werror";
    public static final String REPORT = "lamina.report";

    private final Map<String, Severity> severities;
    private final Map<String, Map<String, String>> parameters;
    private final boolean werror;
    private final String reportPath;
    private final List<String> problems;

    private LintOptions(Map<String, Severity> severities, Map<String, Map<String, String>> parameters,
            boolean werror, String reportPath, List<String> problems) {
        this.severities = severities;
        this.parameters = parameters;
        this.werror = werror;
        this.reportPath = reportPath;
        this.problems = problems;
    }

    /** Every option key the lint understands, for {@code Processor.getSupportedOptions()}. */
    public static Set<String> supportedOptions(List<RuleInfo> rules) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(WERROR);
        keys.add(REPORT);
        for (RuleInfo r : rules) {
            keys.add(LINT_PREFIX + r.id());
            for (Rule.Parameter p : r.metadata().parameters()) {
                keys.add(LINT_PREFIX + r.id() + "." + p.name());
            }
        }
        return keys;
    }

    /** Parses the processor options; keys outside {@code lamina.lint.*} and {@code lamina.report} are ignored. */
    public static LintOptions parse(Map<String, String> options, List<RuleInfo> rules) {
        Map<String, RuleInfo> byId = new HashMap<>();
        rules.forEach(r -> byId.put(r.id(), r));
        Map<String, Severity> severities = new HashMap<>();
        Map<String, Map<String, String>> parameters = new HashMap<>();
        boolean werror = false;
        String reportPath = null;
        List<String> problems = new ArrayList<>();

        for (Map.Entry<String, String> option : new TreeMap<>(options).entrySet()) {
            String key = option.getKey();
            String value = option.getValue();
            if (key.equals(REPORT)) {
                if (value == null || value.isBlank()) {
                    problems.add("[Lamina] -A" + REPORT + " needs a file name: -A" + REPORT + "=build/lamina.sarif");
                } else {
                    reportPath = value;
                }
            } else if (key.equals(WERROR)) {
                if (value == null || value.equalsIgnoreCase("true")) {
                    werror = true;
                } else if (!value.equalsIgnoreCase("false")) {
                    problems.add("[Lamina] -A" + WERROR + "=" + value + " is neither true nor false; ignored");
                }
            } else if (key.startsWith(LINT_PREFIX)) {
                String rest = key.substring(LINT_PREFIX.length());
                int dot = rest.indexOf('.');
                String id = dot < 0 ? rest : rest.substring(0, dot);
                RuleInfo rule = byId.get(id);
                if (rule == null) {
                    problems.add("[Lamina] -A" + key + " names no lint rule '" + id + "'"
                            + suggestion(id, byId.keySet()) + "; ignored");
                } else if (dot < 0) {
                    Optional<Severity> severity = Severity.parse(value);
                    if (severity.isPresent()) {
                        severities.put(id, severity.get());
                    } else {
                        problems.add("[Lamina] -A" + key + "=" + value
                                + ": expected OFF, NOTE, WARNING or ERROR; ignored");
                    }
                } else {
                    String name = rest.substring(dot + 1);
                    Optional<Rule.Parameter> parameter = rule.parameter(name);
                    if (parameter.isEmpty()) {
                        String known = Arrays.stream(rule.metadata().parameters()).map(Rule.Parameter::name)
                                .collect(Collectors.joining(", "));
                        problems.add("[Lamina] -A" + key + ": rule " + id + " has no parameter '" + name + "'"
                                + (known.isEmpty() ? "" : " (it has: " + known + ")") + "; ignored");
                    } else {
                        Optional<String> error = validate(parameter.get(), value);
                        if (error.isPresent()) {
                            problems.add("[Lamina] -A" + key + "=" + value + ": " + error.get() + "; ignored");
                        } else {
                            parameters.computeIfAbsent(id, k -> new HashMap<>()).put(name, value.trim());
                        }
                    }
                }
            }
        }
        LintOptions parsed = new LintOptions(severities, parameters, werror, reportPath, problems);
        parsed.checkEnablingParameters(rules, problems);
        return parsed;
    }

    /** A rule that needs a parameter to do anything was switched on without it. */
    private void checkEnablingParameters(List<RuleInfo> rules, List<String> problems) {
        for (RuleInfo r : rules) {
            for (Rule.Parameter p : r.metadata().parameters()) {
                if (p.enablesRule() && severity(r) != Severity.OFF && parameter(r, p.name()).isEmpty()) {
                    problems.add("[Lamina] rule " + r.id() + " is on but checks nothing until -A" + LINT_PREFIX
                            + r.id() + "." + p.name() + " is set (" + String.join(", ", p.choices()) + ")");
                }
            }
        }
    }

    private static Optional<String> validate(Rule.Parameter p, String value) {
        if (value == null) {
            return Optional.of("needs a value");
        }
        String v = value.trim();
        switch (p.type()) {
            case POSITIVE_INT -> {
                try {
                    if (Integer.parseInt(v) > 0) {
                        return Optional.empty();
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                return Optional.of("expected a positive integer");
            }
            case PROBABILITY -> {
                try {
                    double d = Double.parseDouble(v);
                    if (d >= 0 && d <= 1) {
                        return Optional.empty();
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                return Optional.of("expected a number in [0, 1]");
            }
            case CHOICE -> {
                if (Arrays.asList(p.choices()).contains(v)) {
                    return Optional.empty();
                }
                return Optional.of("expected one of " + String.join(", ", p.choices()));
            }
        }
        return Optional.of("unsupported parameter type");
    }

    /** {@code "; did you mean 'X'?"} for a near miss, else {@code ""}. */
    static String suggestion(String id, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = k.equalsIgnoreCase(id) ? 0 : distance(k.toLowerCase(Locale.ROOT), id.toLowerCase(Locale.ROOT));
            if (d < bestDistance || (d == bestDistance && best != null && k.compareTo(best) < 0)) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= 3 ? "; did you mean '" + best + "'?" : "";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
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

    private Optional<String> parameter(RuleInfo rule, String name) {
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

    /** Messages about options that were ignored. */
    public List<String> problems() {
        return List.copyOf(problems);
    }
}
