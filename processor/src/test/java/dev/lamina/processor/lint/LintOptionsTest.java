package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LintOptionsTest {
    private static final List<RuleInfo> RULES = LintRules.all();

    private static RuleInfo rule(String id) {
        return RULES.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private static LintOptions parse(String... keyValues) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        return LintOptions.parse(options, RULES);
    }

    @Test
    void defaultsWithoutOptions() {
        LintOptions o = parse();
        assertThat(o.severity(rule("DropoutBeforeBatchNorm"))).isEqualTo(Severity.WARNING);
        assertThat(o.severity(rule("BlockTemplate"))).isEqualTo(Severity.OFF);
        assertThat(o.werror()).isFalse();
        assertThat(o.reportPath()).isEmpty();
        assertThat(o.problems()).isEmpty();
    }

    @Test
    void severityIsCaseInsensitiveAndOtherProcessorsOptionsAreIgnored() {
        LintOptions o = parse("lamina.lint.DropoutBeforeBatchNorm", "error", "lamina.lint.SoftmaxOnSingleUnit", "Off",
                "dagger.fastInit", "enabled");
        assertThat(o.severity(rule("DropoutBeforeBatchNorm"))).isEqualTo(Severity.ERROR);
        assertThat(o.severity(rule("SoftmaxOnSingleUnit"))).isEqualTo(Severity.OFF);
        assertThat(o.problems()).isEmpty();
    }

    @Test
    void unknownRuleIsAProblemWithASuggestion() {
        LintOptions o = parse("lamina.lint.DropoutBeforeBatchnorm", "ERROR", "lamina.lint.Nonsense", "NOTE");
        assertThat(o.problems()).containsExactly(
                "[Lamina] -Alamina.lint.DropoutBeforeBatchnorm names no lint rule 'DropoutBeforeBatchnorm'; did you"
                        + " mean 'DropoutBeforeBatchNorm'?; ignored",
                "[Lamina] -Alamina.lint.Nonsense names no lint rule 'Nonsense'; ignored").inOrder();
    }

    @Test
    void badSeverityParameterAndWerrorValuesAreProblems() {
        LintOptions o = parse("lamina.lint.DropoutBeforeBatchNorm", "WARN",
                "lamina.lint.DropoutBeforeBatchNorm.width", "3",
                "lamina.lint.SuspiciousDropoutRate.maxRate", "1.5",
                "lamina.lint.werror", "yes");
        assertThat(o.problems()).containsExactly(
                "[Lamina] -Alamina.lint.DropoutBeforeBatchNorm.width: rule DropoutBeforeBatchNorm has no parameter"
                        + " 'width' (it has: minWidth); ignored",
                "[Lamina] -Alamina.lint.DropoutBeforeBatchNorm=WARN: expected OFF, NOTE, WARNING or ERROR; ignored",
                "[Lamina] -Alamina.lint.SuspiciousDropoutRate.maxRate=1.5: expected a number in [0, 1]; ignored",
                "[Lamina] -Alamina.lint.werror=yes is neither true nor false; ignored");
        assertThat(o.severity(rule("DropoutBeforeBatchNorm"))).isEqualTo(Severity.WARNING);
        assertThat(o.parameters(rule("SuspiciousDropoutRate"))).isEmpty();
        assertThat(o.werror()).isFalse();
    }

    @Test
    void werrorWithoutValueMeansTrue() {
        Map<String, String> options = new HashMap<>();
        options.put("lamina.lint.werror", null);
        assertThat(LintOptions.parse(options, RULES).werror()).isTrue();
    }

    @Test
    void enablingParameterTurnsAnOffRuleOnAsNote() {
        LintOptions o = parse("lamina.lint.BlockTemplate.template", "ic");
        assertThat(o.severity(rule("BlockTemplate"))).isEqualTo(Severity.NOTE);
        assertThat(o.parameters(rule("BlockTemplate"))).containsExactly("template", "ic");
        assertThat(parse("lamina.lint.BlockTemplate.template", "ic", "lamina.lint.BlockTemplate", "WARNING")
                .severity(rule("BlockTemplate"))).isEqualTo(Severity.WARNING);
        assertThat(parse("lamina.lint.BlockTemplate.template", "bottleneck").problems())
                .containsExactly("[Lamina] -Alamina.lint.BlockTemplate.template=bottleneck: expected one of classic,"
                        + " preact, ic; ignored");
    }

    @Test
    void ruleSwitchedOnWithoutItsEnablingParameterIsAProblem() {
        assertThat(parse("lamina.lint.BlockTemplate", "NOTE").problems()).containsExactly(
                "[Lamina] rule BlockTemplate is on but checks nothing until"
                        + " -Alamina.lint.BlockTemplate.template is set (classic, preact, ic)");
    }

    @Test
    void reportNeedsAFileName() {
        assertThat(parse("lamina.report", "build/lint.sarif").reportPath()).hasValue("build/lint.sarif");
        assertThat(parse("lamina.report", " ").problems()).hasSize(1);
    }

    @Test
    void supportedOptionsListEveryRuleAndParameter() {
        var keys = LintOptions.supportedOptions(RULES);
        assertThat(keys).containsAtLeast("lamina.lint.werror", "lamina.report", "lamina.lint.DropoutBeforeBatchNorm",
                "lamina.lint.DropoutBeforeBatchNorm.minWidth", "lamina.lint.BlockTemplate.template",
                "lamina.lint.SuspiciousDropoutRate.maxRate");
        assertThat(keys).hasSize(2 + RULES.size() + 3);
    }
}
