package dev.lamina.processor.options;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.NearMiss;
import dev.lamina.processor.lint.LintOptions;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.RuleInfo;
import dev.lamina.processor.lint.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.annotation.processing.Messager;
import javax.tools.Diagnostic;

/**
 * Every {@code -Alamina.*} option of a compilation, parsed once, by one parser: the fixed ones of
 * {@link Option} and the lint's per-rule ones, {@code lamina.lint.<RuleId>=OFF|NOTE|WARNING|ERROR}
 * and {@code lamina.lint.<RuleId>.<parameter>=<value>}.
 *
 * <p>An option under {@code lamina.} that names nothing Lamina knows, or a value the option does
 * not accept, is one of {@link #problems()}: an ERROR {@code [Lamina/BadOption]} naming the option
 * and what it accepts, e.g. {@code -Alamina.rewrite=flase: expected true or false}. The option then
 * keeps its default. Options of other processors are ignored.
 */
public final class LaminaOptions {
    /** A diagnostic about the options, printed once per compilation, on no element. */
    public record Problem(Diagnostic.Kind kind, String message) {}

    private final Map<Option, String> values;
    private final LintOptions lint;
    private final List<Problem> problems;

    private LaminaOptions(Map<Option, String> values, LintOptions lint, List<Problem> problems) {
        this.values = values;
        this.lint = lint;
        this.problems = List.copyOf(problems);
    }

    /** Every option name Lamina knows, for {@code Processor.getSupportedOptions()}. */
    public static Set<String> supportedOptions(List<RuleInfo> rules) {
        Set<String> keys = new LinkedHashSet<>();
        for (Option o : Option.values()) {
            keys.add(o.key());
        }
        for (RuleInfo r : rules) {
            keys.add(Option.LINT_PREFIX + r.id());
            for (Rule.Parameter p : r.metadata().parameters()) {
                keys.add(Option.LINT_PREFIX + r.id() + "." + p.name());
            }
        }
        return keys;
    }

    /** Parses javac's {@code -A} map; {@code rules} are the lint rules the per-rule options may name. */
    public static LaminaOptions parse(Map<String, String> options, List<RuleInfo> rules) {
        Map<String, RuleInfo> byId = new HashMap<>();
        rules.forEach(r -> byId.put(r.id(), r));
        Map<Option, String> values = new EnumMap<>(Option.class);
        Map<String, Severity> severities = new HashMap<>();
        Map<String, Map<String, String>> parameters = new HashMap<>();
        List<Problem> problems = new ArrayList<>();

        // Sorted, so that problems come in a stable order.
        for (Map.Entry<String, String> option : new TreeMap<>(options).entrySet()) {
            String key = option.getKey();
            String value = option.getValue();
            if (!key.startsWith(Option.PREFIX)) {
                continue;
            }
            Optional<Option> fixed = Option.forKey(key);
            if (fixed.isPresent()) {
                accept(key, value, fixed.get().type(), List.of(), problems)
                        .ifPresent(v -> values.put(fixed.get(), v));
            } else if (key.startsWith(Option.LINT_PREFIX)) {
                String rest = key.substring(Option.LINT_PREFIX.length());
                int dot = rest.indexOf('.');
                String id = dot < 0 ? rest : rest.substring(0, dot);
                RuleInfo rule = byId.get(id);
                if (rule == null) {
                    problems.add(bad("-A" + key + " names no lint rule '" + id + "'"
                            + NearMiss.suggestion(id, byId.keySet())));
                } else if (dot < 0) {
                    accept(key, value, ValueType.SEVERITY, List.of(), problems)
                            .ifPresent(v -> severities.put(id, Severity.valueOf(v)));
                } else {
                    String name = rest.substring(dot + 1);
                    Optional<Rule.Parameter> parameter = rule.parameter(name);
                    if (parameter.isEmpty()) {
                        String known = Arrays.stream(rule.metadata().parameters()).map(Rule.Parameter::name)
                                .collect(Collectors.joining(", "));
                        problems.add(bad("-A" + key + ": rule " + id + " has no parameter '" + name + "'"
                                + (known.isEmpty() ? "" : " (it has: " + known + ")")));
                    } else {
                        Rule.Parameter p = parameter.get();
                        accept(key, value, ValueType.of(p), ValueType.choices(p), problems)
                                .ifPresent(v -> parameters.computeIfAbsent(id, k -> new HashMap<>()).put(name, v));
                    }
                }
            } else {
                problems.add(bad("-A" + key + (value == null ? "" : "=" + value) + " names no Lamina option"
                        + NearMiss.suggestion(key, supportedOptions(List.of())) + "; the options are "
                        + allNames()));
            }
        }
        LintOptions lint = new LintOptions(severities, parameters,
                Boolean.parseBoolean(valueOf(values, Option.LINT_WERROR)), values.get(Option.REPORT));
        checkEnablingParameters(rules, lint, problems);
        return new LaminaOptions(values, lint, problems);
    }

    /** The value as the option uses it, or empty after adding a problem. */
    private static Optional<String> accept(String key, String value, ValueType type, List<String> choices,
            List<Problem> problems) {
        Optional<String> accepted = type.accept(value, choices);
        if (accepted.isEmpty()) {
            problems.add(bad("-A" + key + (value == null ? "" : "=" + value) + ": expected "
                    + type.expected(choices)));
        }
        return accepted;
    }

    private static Problem bad(String text) {
        return new Problem(Diagnostic.Kind.ERROR, Messages.format(Messages.BAD_OPTION, text));
    }

    /** {@code lamina.lint.<RuleId>, lamina.lint.<RuleId>.<parameter>, lamina.lint.werror, ...}. */
    private static String allNames() {
        Set<String> names = new java.util.TreeSet<>(supportedOptions(List.of()));
        names.add(Option.LINT_PREFIX + "<RuleId>");
        names.add(Option.LINT_PREFIX + "<RuleId>.<parameter>");
        return String.join(", ", names);
    }

    /** A rule that needs a parameter to do anything was switched on without it: a warning. */
    private static void checkEnablingParameters(List<RuleInfo> rules, LintOptions lint, List<Problem> problems) {
        for (RuleInfo r : rules) {
            for (Rule.Parameter p : r.metadata().parameters()) {
                if (p.enablesRule() && lint.severity(r) != Severity.OFF && lint.parameter(r, p.name()).isEmpty()) {
                    problems.add(new Problem(Diagnostic.Kind.WARNING, Messages.format(Messages.OPTION_WITHOUT_EFFECT,
                            "rule " + r.id() + " is on but checks nothing until -A" + Option.LINT_PREFIX + r.id()
                                    + "." + p.name() + " is set (" + String.join(", ", p.choices()) + ")")));
                }
            }
        }
    }

    private static String valueOf(Map<Option, String> values, Option option) {
        String set = values.get(option);
        return set != null ? set : option.defaultValue().orElse(null);
    }

    /** {@code -Alamina.rewrite}: whether the generator applies its rewrites and fusions (default true). */
    public boolean rewrite() {
        return Boolean.parseBoolean(valueOf(values, Option.REWRITE));
    }

    /** {@code -Alamina.summary}: whether to print each model's summary as a NOTE (default false). */
    public boolean summary() {
        return Boolean.parseBoolean(valueOf(values, Option.SUMMARY));
    }

    /** {@code -Alamina.summary.batchSize}: examples per forward pass in the summary's activation memory, >= 1. */
    public int summaryBatchSize() {
        return Integer.parseInt(valueOf(values, Option.SUMMARY_BATCH_SIZE));
    }

    /** The lint's options: severities, parameters, {@code werror}, the report file. */
    public LintOptions lint() {
        return lint;
    }

    /** Unknown names and rejected values (errors), and options without effect (warnings). */
    public List<Problem> problems() {
        return problems;
    }

    /** Prints {@link #problems()}, each once, on no element. */
    public void printProblems(Messager messager) {
        problems.forEach(p -> messager.printMessage(p.kind(), p.message()));
    }
}
