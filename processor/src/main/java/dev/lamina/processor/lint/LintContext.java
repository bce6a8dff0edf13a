package dev.lamina.processor.lint;

import dev.lamina.processor.ir.LayerNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a rule sees besides the model: how to name a layer in a message, its own options, and where
 * to put findings. One context per rule and model.
 */
public final class LintContext {
    private final RuleInfo rule;
    private final SourceLines lines;
    private final Map<String, String> parameters;
    private final List<Finding> findings = new ArrayList<>();

    /**
     * @param rule       the rule that reports here
     * @param lines      source positions, {@link SourceLines#NONE} for hand-built IR
     * @param parameters the rule's options as set by the user, by parameter name
     */
    public LintContext(RuleInfo rule, SourceLines lines, Map<String, String> parameters) {
        this.rule = rule;
        this.lines = lines;
        this.parameters = Map.copyOf(parameters);
    }

    /** A context for unit tests: no source positions. */
    public static LintContext detached(LintRule rule, Map<String, String> parameters) {
        return new LintContext(RuleInfo.of(rule), SourceLines.NONE, parameters);
    }

    public void report(Finding finding) {
        findings.add(finding);
    }

    public List<Finding> findings() {
        return List.copyOf(findings);
    }

    /**
     * The value of the rule's option {@code name}: what the user set, else the declared default,
     * else empty. Values were validated against the parameter's type when options were parsed.
     */
    public Optional<String> parameter(String name) {
        String set = parameters.get(name);
        if (set != null) {
            return Optional.of(set);
        }
        return rule.parameter(name).map(Rule.Parameter::defaultValue).filter(v -> !v.isEmpty());
    }

    /** {@code dropout 'drop1' (line 12)}; without the line when it is unknown. */
    public String describe(LayerNode node) {
        OptionalInt line = lines.line(node.source().element(), node.source().annotation());
        return node.spec().noun() + " '" + node.name() + "'"
                + (line.isPresent() ? " (line " + line.getAsInt() + ")" : "");
    }

    /**
     * {@code " through max pool 'pool1' and ReLU 'relu2'"} for the layers between two related
     * layers, or {@code ""} when there are none. Lines are left out to keep the message short.
     */
    public String through(List<LayerNode> between) {
        if (between.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(" through ");
        for (int i = 0; i < between.size(); i++) {
            if (i > 0) {
                s.append(i == between.size() - 1 ? " and " : ", ");
            }
            LayerNode n = between.get(i);
            s.append(n.spec().noun()).append(" '").append(n.name()).append('\'');
        }
        return s.toString();
    }
}
