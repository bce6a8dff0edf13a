package dev.lamina.processor.options;

import static com.google.common.truth.Truth.assertThat;

import dev.lamina.processor.lint.LintOptions;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.lint.RuleInfo;
import dev.lamina.processor.lint.Severity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

class LaminaOptionsTest {
    private static final List<RuleInfo> RULES = LintRules.all();

    private static RuleInfo rule(String id) {
        return RULES.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private static LaminaOptions parse(String... keyValues) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        return LaminaOptions.parse(options, RULES);
    }

    private static List<String> errors(LaminaOptions options) {
        return options.problems().stream().filter(p -> p.kind() == Diagnostic.Kind.ERROR)
                .map(LaminaOptions.Problem::message).toList();
    }

    @Test
    void defaultsWithoutOptions() {
        LaminaOptions o = parse();
        LintOptions lint = o.lint();
        assertThat(lint.severity(rule("DropoutBeforeBatchNorm"))).isEqualTo(Severity.WARNING);
        assertThat(lint.severity(rule("BlockTemplate"))).isEqualTo(Severity.OFF);
        assertThat(lint.werror()).isFalse();
        assertThat(lint.reportPath()).isEmpty();
        assertThat(o.rewrite()).isTrue();
        assertThat(o.summary()).isFalse();
        assertThat(o.summaryBatchSize()).isEqualTo(1);
        assertThat(o.problems()).isEmpty();
    }

    @Test
    void severityIsCaseInsensitiveAndOtherProcessorsOptionsAreIgnored() {
        LaminaOptions o = parse("lamina.lint.DropoutBeforeBatchNorm", "error", "lamina.lint.SoftmaxOnSingleUnit", "Off",
                "dagger.fastInit", "enabled", "laminated", "x");
        assertThat(o.lint().severity(rule("DropoutBeforeBatchNorm"))).isEqualTo(Severity.ERROR);
        assertThat(o.lint().severity(rule("SoftmaxOnSingleUnit"))).isEqualTo(Severity.OFF);
        assertThat(o.problems()).isEmpty();
    }

    @Test
    void booleansAcceptTrueAndFalseInAnyCaseAndABareFlagMeansTrue() {
        assertThat(parse("lamina.rewrite", "FALSE").rewrite()).isFalse();
        assertThat(parse("lamina.rewrite", " false ").rewrite()).isFalse();
        assertThat(parse("lamina.rewrite", "True").rewrite()).isTrue();
        assertThat(parse("lamina.summary", "").summary()).isTrue();
        Map<String, String> bare = new HashMap<>();
        bare.put("lamina.summary", null);
        bare.put("lamina.lint.werror", null);
        LaminaOptions o = LaminaOptions.parse(bare, RULES);
        assertThat(o.summary()).isTrue();
        assertThat(o.lint().werror()).isTrue();
        assertThat(o.problems()).isEmpty();
    }

    @Test
    void aMisspelledBooleanIsAnErrorAndKeepsTheDefault() {
        LaminaOptions o = parse("lamina.rewrite", "flase", "lamina.summary", "yes", "lamina.lint.werror", "1");
        assertThat(errors(o)).containsExactly(
                "[Lamina/BadOption] -Alamina.lint.werror=1: expected true or false",
                "[Lamina/BadOption] -Alamina.rewrite=flase: expected true or false",
                "[Lamina/BadOption] -Alamina.summary=yes: expected true or false").inOrder();
        assertThat(o.rewrite()).isTrue();
        assertThat(o.summary()).isFalse();
        assertThat(o.lint().werror()).isFalse();
    }

    @Test
    void batchSizeMustBeAPositiveInteger() {
        assertThat(parse("lamina.summary.batchSize", " 64 ").summaryBatchSize()).isEqualTo(64);
        LaminaOptions zero = parse("lamina.summary.batchSize", "0");
        assertThat(errors(zero)).containsExactly("[Lamina/BadOption] -Alamina.summary.batchSize=0: expected a positive"
                + " integer");
        assertThat(zero.summaryBatchSize()).isEqualTo(1);
        assertThat(errors(parse("lamina.summary.batchSize", "many"))).hasSize(1);
    }

    @Test
    void unknownLaminaOptionIsAnErrorListingTheOptions() {
        assertThat(errors(parse("lamina.nosuch", "1"))).containsExactly("[Lamina/BadOption] -Alamina.nosuch=1 names no"
                + " Lamina option; the options are lamina.lint.<RuleId>, lamina.lint.<RuleId>.<parameter>,"
                + " lamina.lint.werror, lamina.report, lamina.rewrite, lamina.summary, lamina.summary.batchSize");
        assertThat(errors(parse("lamina.summary.batchsize", "8")).get(0)).startsWith("[Lamina/BadOption]"
                + " -Alamina.summary.batchsize=8 names no Lamina option; did you mean 'lamina.summary.batchSize'?;");
    }

    @Test
    void unknownRuleIsAnErrorWithASuggestion() {
        LaminaOptions o = parse("lamina.lint.DropoutBeforeBatchnorm", "ERROR", "lamina.lint.Nonsense", "NOTE");
        assertThat(errors(o)).containsExactly(
                "[Lamina/BadOption] -Alamina.lint.DropoutBeforeBatchnorm names no lint rule 'DropoutBeforeBatchnorm';"
                        + " did you mean 'DropoutBeforeBatchNorm'?",
                "[Lamina/BadOption] -Alamina.lint.Nonsense names no lint rule 'Nonsense'").inOrder();
    }

    @Test
    void badSeverityAndParameterValuesAreErrors() {
        LaminaOptions o = parse("lamina.lint.DropoutBeforeBatchNorm", "WARN",
                "lamina.lint.DropoutBeforeBatchNorm.width", "3",
                "lamina.lint.SuspiciousDropoutRate.maxRate", "1.5");
        assertThat(errors(o)).containsExactly(
                "[Lamina/BadOption] -Alamina.lint.DropoutBeforeBatchNorm.width: rule DropoutBeforeBatchNorm has no"
                        + " parameter 'width' (it has: minWidth)",
                "[Lamina/BadOption] -Alamina.lint.DropoutBeforeBatchNorm=WARN: expected OFF, NOTE, WARNING or ERROR",
                "[Lamina/BadOption] -Alamina.lint.SuspiciousDropoutRate.maxRate=1.5: expected a number in [0, 1]");
        assertThat(o.lint().severity(rule("DropoutBeforeBatchNorm"))).isEqualTo(Severity.WARNING);
        assertThat(o.lint().parameters(rule("SuspiciousDropoutRate"))).isEmpty();
    }

    @Test
    void enablingParameterTurnsAnOffRuleOnAsNote() {
        LaminaOptions o = parse("lamina.lint.BlockTemplate.template", "ic");
        assertThat(o.lint().severity(rule("BlockTemplate"))).isEqualTo(Severity.NOTE);
        assertThat(o.lint().parameters(rule("BlockTemplate"))).containsExactly("template", "ic");
        assertThat(parse("lamina.lint.BlockTemplate.template", "ic", "lamina.lint.BlockTemplate", "WARNING").lint()
                .severity(rule("BlockTemplate"))).isEqualTo(Severity.WARNING);
        assertThat(errors(parse("lamina.lint.BlockTemplate.template", "bottleneck"))).containsExactly(
                "[Lamina/BadOption] -Alamina.lint.BlockTemplate.template=bottleneck: expected one of classic, preact,"
                        + " ic");
    }

    @Test
    void ruleSwitchedOnWithoutItsEnablingParameterIsAWarning() {
        LaminaOptions o = parse("lamina.lint.BlockTemplate", "NOTE");
        assertThat(o.problems()).containsExactly(new LaminaOptions.Problem(Diagnostic.Kind.WARNING,
                "[Lamina/OptionWithoutEffect] rule BlockTemplate is on but checks nothing until"
                        + " -Alamina.lint.BlockTemplate.template is set (classic, preact, ic)"));
    }

    @Test
    void reportNeedsAFileName() {
        assertThat(parse("lamina.report", "build/lint.sarif").lint().reportPath()).hasValue("build/lint.sarif");
        assertThat(errors(parse("lamina.report", " "))).containsExactly(
                "[Lamina/BadOption] -Alamina.report= : expected a file name");
    }

    @Test
    void supportedOptionsListEveryOptionRuleAndParameter() {
        var keys = LaminaOptions.supportedOptions(RULES);
        assertThat(keys).containsAtLeast("lamina.lint.werror", "lamina.report", "lamina.rewrite", "lamina.summary",
                "lamina.summary.batchSize", "lamina.lint.DropoutBeforeBatchNorm",
                "lamina.lint.DropoutBeforeBatchNorm.minWidth", "lamina.lint.BlockTemplate.template",
                "lamina.lint.SuspiciousDropoutRate.maxRate");
        long parameters = RULES.stream().mapToLong(r -> r.metadata().parameters().length).sum();
        assertThat(keys).hasSize(Option.values().length + RULES.size() + (int) parameters);
    }

    @Test
    void everyKnownOptionParsesWithoutProblemsAtItsDefault() {
        for (Option option : Option.values()) {
            option.defaultValue().ifPresent(v -> assertThat(parse(option.key(), v).problems()).isEmpty());
        }
    }
}
