package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;

/**
 * Weight → dropout → positively homogeneous activation (ReLU, LeakyReLU): since
 * {@code f(m x / (1 - rate)) = m f(x) / (1 - rate)} for a mask m in {0, 1}, dropout before the
 * activation equals dropout after it, mask for mask. Not true for tanh, sigmoid or ELU, which are
 * not matched.
 */
@Rule(id = "DropoutActivationCommute",
        severity = Severity.NOTE,
        summary = "dropout between a weight layer and its activation",
        pattern = "`@Conv2d`/`@Dense` → `@Dropout` → `@ReLU`/`@LeakyReLU`",
        rationale = "For positively homogeneous activations dropout before equals dropout after, mask for mask; the"
                + " usual order weight → activation → dropout keeps each weight layer next to its activation",
        citation = "f(a x) = a f(x) for a >= 0 (ReLU, LeakyReLU)",
        fix = "swap the dropout and the activation")
public final class DropoutActivationCommute implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode dropout : flow.nodes()) {
            // A dropout whose output also goes elsewhere (into a block) cannot swap with one of its readers.
            if (!(dropout.spec() instanceof LayerSpec.Dropout) || !Layers.readOnce(flow, dropout)) {
                continue;
            }
            for (LayerNode weight : flow.predecessors(dropout)) {
                for (LayerNode act : flow.successors(dropout)) {
                    if (weight.spec().isWeightLayer()
                            && act.spec() instanceof Activation a && a.function().isPositivelyHomogeneous()) {
                        context.report(Finding.on(dropout, context.describe(act) + " is positively homogeneous, so "
                                        + context.describe(dropout) + " before it gives the same result, mask for mask,"
                                        + " as dropout after it; weight -> activation -> dropout keeps '"
                                        + weight.name() + "' next to its activation")
                                .fix("swap '" + dropout.name() + "' and '" + act.name() + "'")
                                .related(act));
                    }
                }
            }
        }
    }
}
