package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Validates the registry and every rule's metadata (Error Prone's {@code BugPatternValidator}). */
class LintRulesTest {
    private static final List<RuleInfo> RULES = LintRules.all();

    @Test
    void idsAreUniqueAndEqualTheClassNames() {
        Set<String> ids = new HashSet<>();
        for (RuleInfo r : RULES) {
            assertWithMessage("duplicate id").that(ids.add(r.id())).isTrue();
            assertThat(r.id()).isEqualTo(r.rule().getClass().getSimpleName());
            assertThat(r.id()).matches("[A-Z][A-Za-z0-9]+");
            assertThat(r.qualifiedId()).isEqualTo("Lamina/" + r.id());
        }
        assertThat(RULES.size()).isAtLeast(20);
    }

    @Test
    void idsDoNotClashWithTheReadersDiagnosticIds() {
        Set<String> ids = new HashSet<>();
        RULES.forEach(r -> ids.add(r.id()));
        assertThat(ids).containsNoneOf("MalformedModel", "InvalidHyperparameter", "InfeasibleWindow",
                "MissingFlatten", "RankMismatch", "TensorTooLarge", "werror");
    }

    @Test
    void metadataIsComplete() {
        for (RuleInfo r : RULES) {
            Rule m = r.metadata();
            String id = m.id();
            for (String field : List.of(m.summary(), m.pattern(), m.rationale(), m.citation(), m.fix())) {
                assertWithMessage("%s metadata", id).that(field.trim()).isNotEmpty();
                assertWithMessage("%s metadata", id).that(field).doesNotContain("\n");
            }
            // As javac's and Error Prone's: lower case, no trailing period (the message goes on after it).
            assertWithMessage("%s summary", id).that(m.summary()).doesNotMatch(".*[.:;]$");
            assertWithMessage("%s summary", id).that(Character.isLowerCase(m.summary().charAt(0))).isTrue();
            assertWithMessage("%s fix", id).that(m.fix()).doesNotMatch(".*\\.$");
            assertWithMessage("%s rationale", id).that(m.rationale()).doesNotMatch(".*\\.$");
            for (Rule.Parameter p : m.parameters()) {
                assertWithMessage("%s.%s", id, p.name()).that(p.name()).matches("[a-z][A-Za-z0-9]*");
                assertWithMessage("%s.%s", id, p.name()).that(p.description()).isNotEmpty();
                assertWithMessage("%s.%s choices", id, p.name())
                        .that(p.choices().length > 0).isEqualTo(p.type() == Rule.Parameter.Type.CHOICE);
                assertWithMessage("%s.%s enables an OFF rule", id, p.name())
                        .that(!p.enablesRule() || m.severity() == Severity.OFF).isTrue();
            }
        }
    }

    @Test
    void catalogOrderIsErrorsThenWarningsThenNotes() {
        int tier = 0;
        for (RuleInfo r : RULES) {
            Severity s = r.metadata().severity();
            int t = s == Severity.ERROR ? 0 : s == Severity.WARNING ? 1 : 2;
            assertWithMessage("%s is out of tier order", r.id()).that(t).isAtLeast(tier);
            tier = t;
        }
    }

    @Test
    void everyRuleIsDocumented() {
        String page = LintDocs.page(RULES);
        for (RuleInfo r : RULES) {
            assertWithMessage("docs section of %s", r.id()).that(page).contains("\n### " + r.id() + "\n");
        }
    }

    /**
     * Every rule has {@code <RuleId>Test} next to it that extends {@link RuleCompilationTest} (so it
     * runs the positive, negative, suppression and severity cases) and adds unit tests on
     * hand-built IR.
     */
    @Test
    void everyRuleIsTested() throws Exception {
        for (RuleInfo r : RULES) {
            String name = r.rule().getClass().getName() + "Test";
            Class<?> test;
            try {
                test = Class.forName(name);
            } catch (ClassNotFoundException e) {
                throw new AssertionError("no test class " + name, e);
            }
            assertWithMessage("%s extends RuleCompilationTest", name)
                    .that(RuleCompilationTest.class.isAssignableFrom(test)).isTrue();
            assertWithMessage("%s is abstract", name).that(Modifier.isAbstract(test.getModifiers())).isFalse();
            long irTests = 0;
            for (Method m : test.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Test.class) && m.getName().startsWith("ir")) {
                    irTests++;
                }
            }
            assertWithMessage("unit tests on hand-built IR in %s", name).that(irTests).isAtLeast(1);
        }
    }
}
