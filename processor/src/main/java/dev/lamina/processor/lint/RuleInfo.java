package dev.lamina.processor.lint;

import java.util.Arrays;
import java.util.Optional;

/** A registered rule with its metadata. */
public record RuleInfo(LintRule rule, Rule metadata) {
    public static RuleInfo of(LintRule rule) {
        return new RuleInfo(rule, rule.metadata());
    }

    public String id() {
        return metadata.id();
    }

    /** {@code Lamina/<id>}: the string that suppresses the rule and prefixes its messages. */
    public String qualifiedId() {
        return LintRules.PREFIX + id();
    }

    public Optional<Rule.Parameter> parameter(String name) {
        return Arrays.stream(metadata.parameters()).filter(p -> p.name().equals(name)).findFirst();
    }
}
