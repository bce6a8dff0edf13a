package dev.lamina.processor.lint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Metadata of a {@link LintRule}, in the manner of Error Prone's {@code @BugPattern}. The ID is the
 * rule's one public name: it prefixes every message ({@code [Lamina/<id>]}), suppresses the rule
 * ({@code @SuppressWarnings("Lamina/<id>")}), sets its severity ({@code -Alamina.lint.<id>=...}) and
 * heads its section in {@code docs/lint-rules.md}, which is generated from these fields.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Rule {
    /** The rule's ID, equal to its class's simple name, e.g. {@code "DropoutBeforeBatchNorm"}. */
    String id();

    /** Severity unless an option overrides it. */
    Severity severity();

    /** One line, lower case, no trailing period: what is wrong. Starts every message. */
    String summary();

    /** The layer pattern matched, for the docs table; layer annotations written as {@code @Dropout}. */
    String pattern();

    /** Why the pattern is a problem, for the docs table; one or two sentences. */
    String rationale();

    /** The paper, issue or source the rule rests on; appended to every message in parentheses. */
    String citation();

    /** What to change, generic; a finding may give a more specific fix. */
    String fix();

    /** Rule-specific options, set with {@code -Alamina.lint.<id>.<name>=<value>}. */
    Parameter[] parameters() default {};

    /**
     * The rewrite of {@code dev.lamina.processor.rewrite} that carries out this rule's advice in the
     * generated code, by its name (the one that starts its notes on the layers it changed), or
     * {@code ""} when none does. While rewrites are on ({@code -Alamina.rewrite}, the default), a
     * finding of this rule reported at {@link Severity#NOTE} on a layer that rewrite changed is not
     * printed: the generated class's Javadoc says what was carried out, and the SARIF report keeps the
     * finding, suppressed. A finding the rewrite did not carry out, or one raised above NOTE by an
     * option, is printed as usual.
     */
    String carriedOutBy() default "";

    /** A rule-specific option. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({})
    @interface Parameter {
        /** The option's name after {@code lamina.lint.<id>.}. */
        String name();

        /** What it controls, for the docs. */
        String description();

        /** Which values are accepted. */
        Type type();

        /** Accepted values of a {@link Type#CHOICE} parameter. */
        String[] choices() default {};

        /** Value used when unset, or {@code ""} when unset means "not in effect". */
        String defaultValue() default "";

        /** Setting it switches an {@link Severity#OFF} rule on at {@link Severity#NOTE}. */
        boolean enablesRule() default false;

        /** Accepted value types. */
        enum Type { POSITIVE_INT, PROBABILITY, CHOICE }
    }
}
