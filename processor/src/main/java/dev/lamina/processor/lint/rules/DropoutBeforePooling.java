package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;

/**
 * Dropout directly before pooling. NeuraLint recommends dropout after pooling; the two orders are
 * not equivalent and no measurement backs either, so the rule is off by default.
 */
@Rule(id = "DropoutBeforePooling",
        severity = Severity.OFF,
        summary = "dropout directly before pooling",
        pattern = "`@Dropout` → `@MaxPool2d`/`@AvgPool2d`/`@MaxPool1d`",
        rationale = "NeuraLint's design opinion (dropout is more effective after pooling); the orders are not"
                + " equivalent and the evidence is thin, so the rule is off by default",
        citation = "NeuraLint f018 (Nikanjam et al., TOSEM 2021)",
        fix = "swap the dropout and the pooling layer")
public final class DropoutBeforePooling implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode dropout : flow.nodes()) {
            if (!Layers.DROPOUT.test(dropout.spec()) || !Layers.readOnce(flow, dropout)) {
                continue;
            }
            for (LayerNode pool : flow.successors(dropout)) {
                if (Layers.POOL.test(pool.spec())) {
                    context.report(Finding.on(dropout, context.describe(dropout) + " comes directly before "
                                    + context.describe(pool) + "; NeuraLint recommends dropout after pooling (the two"
                                    + " orders are not equivalent)")
                            .fix("swap '" + dropout.name() + "' and '" + pool.name() + "'")
                            .related(pool));
                }
            }
        }
    }
}
