package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.processor.ir.ModelIR;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Precision on published architectures (hand-built IR, {@link Textbook}): every rule that is on by
 * default runs on each, and none may report anything, not even a note. A rule that fires on one of
 * these fires on working, published networks.
 */
class BlockPrecisionTest {
    /** Runs every rule that is on by default; returns "RuleId: message" per finding. */
    static List<String> findings(ModelIR model) {
        List<String> found = new ArrayList<>();
        for (RuleInfo rule : LintRules.all()) {
            if (rule.metadata().severity() == Severity.OFF) {
                continue;
            }
            for (Finding f : Ir.check(rule.rule(), model)) {
                found.add(rule.id() + " on " + f.at().name() + ": " + f.why());
            }
        }
        return found;
    }

    @Test
    void resnetWithBasicUnitsAndAProjection() {
        assertWithMessage("findings").that(findings(Textbook.resnetBasic())).isEmpty();
    }

    @Test
    void resnetWithBottleneckUnitsAndProjections() {
        assertWithMessage("findings").that(findings(Textbook.resnetBottleneck())).isEmpty();
    }

    @Test
    void fullPreActivationResnetWithItsFinalBatchNormAndReLU() {
        assertWithMessage("findings").that(findings(Textbook.preActResnet())).isEmpty();
    }

    @Test
    void denseNetBC() {
        assertWithMessage("findings").that(findings(Textbook.denseNetBC())).isEmpty();
    }

    @Test
    void inceptionModule() {
        assertWithMessage("findings").that(findings(Textbook.inception())).isEmpty();
        assertWithMessage("findings").that(findings(Textbook.inceptionBn())).isEmpty();
    }

    /** The off-by-default BlockTemplate, set to the template each network follows, is quiet too. */
    @Test
    void blockTemplatesMatchTheirNetworks() {
        LintRule template = new dev.lamina.processor.lint.rules.BlockTemplate();
        for (ModelIR m : List.of(Textbook.resnetBasic(), Textbook.resnetBottleneck(), Textbook.inceptionBn())) {
            assertWithMessage("classic on %s", m).that(Ir.at(Ir.check(template, m,
                    java.util.Map.of("template", "classic")))).isEmpty();
        }
        for (ModelIR m : List.of(Textbook.preActResnet(), Textbook.denseNetBC())) {
            assertWithMessage("preact").that(Ir.at(Ir.check(template, m, java.util.Map.of("template", "preact"))))
                    .isEmpty();
        }
    }
}
