package dev.lamina.processor.lint;

import dev.lamina.processor.ir.ModelIR;

/**
 * One layer-order check (Error Prone's {@code BugChecker}): a class annotated with {@link Rule}
 * whose {@link #check} reports every match in a shape-inferred model. Rules are stateless; the
 * engine decides severity and suppression, and formats the message.
 */
public interface LintRule {
    /**
     * Reports each match in {@code model} through {@code context}. Runs only while the rule is
     * enabled; every layer of {@code model} has its input and output shape.
     */
    void check(ModelIR model, LintContext context);

    /** This rule's metadata. */
    default Rule metadata() {
        Rule rule = getClass().getAnnotation(Rule.class);
        if (rule == null) {
            throw new IllegalStateException(getClass().getName() + " has no @Rule");
        }
        return rule;
    }
}
