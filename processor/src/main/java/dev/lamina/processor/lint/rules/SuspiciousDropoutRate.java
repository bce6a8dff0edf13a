package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;

/**
 * A dropout rate above {@code maxRate} (default 0.5): likely a keep probability written where the
 * drop probability is meant, a mix-up that DL4J's retain-probability {@code dropOut(x)} invites.
 * Matches {@code @Dropout}'s {@code rate} and {@code @MultiHeadAttention}'s {@code dropout} (on the
 * attention weights, 0.1 in Vaswani et al. 2017 and BERT).
 */
@Rule(id = "SuspiciousDropoutRate",
        severity = Severity.WARNING,
        summary = "dropout rate above the usual range",
        pattern = "`@Dropout(rate = r)` or `@MultiHeadAttention(dropout = r)` with r > `maxRate` (default 0.5)",
        rationale = "Lamina's rate is the probability of dropping, as in PyTorch and Keras; a high value is often a"
                + " keep probability (DL4J's dropOut(x) retains), which leaves few units to learn from",
        citation = "UMLAUT pre-train checks (Schoop et al., CHI 2021); deeplearning4j#3896;"
                + " bonlime/keras-deeplab-v3-plus#4",
        fix = "write the probability of dropping; if the value was the keep probability, use 1 - value",
        parameters = @Rule.Parameter(name = "maxRate", type = Rule.Parameter.Type.PROBABILITY, defaultValue = "0.5",
                description = "the highest rate not reported"))
public final class SuspiciousDropoutRate implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        double maxRate = context.parameter("maxRate").map(Double::parseDouble).orElse(0.5);
        for (LayerNode n : Dataflow.of(model).nodes()) {
            if (n.spec() instanceof LayerSpec.Dropout d && d.rate() > maxRate) {
                report(n, "rate", d.rate(), "units", context);
            } else if (n.spec() instanceof LayerSpec.MultiHeadAttention a && a.dropout() > maxRate) {
                report(n, "dropout", a.dropout(), "attention weights", context);
            }
        }
    }

    private static void report(LayerNode n, String member, double rate, String what, LintContext context) {
        String dropped = Layers.number(Math.round(rate * 1000) / 10.0);
        String kept = Layers.number(Math.round((1 - rate) * 1000) / 10.0);
        String keep = Layers.number(Math.round((1 - rate) * 1e6) / 1e6);
        context.report(Finding.on(n, context.describe(n) + " has " + member + " " + Layers.number(rate)
                        + ", so it drops " + dropped + "% of the " + what + " and keeps " + kept
                        + "%; " + member + " is the probability of dropping (DL4J's dropOut(x) is the probability of"
                        + " keeping)")
                .member(member)
                .fix("if " + Layers.number(rate) + " was meant as the probability of keeping a unit,"
                        + " write " + member + " = " + keep));
    }
}
