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
 */
@Rule(id = "SuspiciousDropoutRate",
        severity = Severity.WARNING,
        summary = "dropout rate above the usual range",
        pattern = "`@Dropout(rate = r)` with r > `maxRate` (default 0.5)",
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
                String dropped = Layers.number(Math.round(d.rate() * 1000) / 10.0);
                String kept = Layers.number(Math.round((1 - d.rate()) * 1000) / 10.0);
                String keep = Layers.number(Math.round((1 - d.rate()) * 1e6) / 1e6);
                context.report(Finding.on(n, context.describe(n) + " has rate " + Layers.number(d.rate())
                                + ", so it drops " + dropped + "% of the units and keeps " + kept
                                + "%; rate is the probability of dropping (DL4J's dropOut(x) is the probability of"
                                + " keeping)")
                        .member("rate")
                        .fix("if " + Layers.number(d.rate()) + " was meant as the probability of keeping a unit,"
                                + " write rate = " + keep));
            }
        }
    }
}
