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
import java.util.List;

/**
 * A batch norm that normalises the output of another one: only flatten may stand between, as
 * anything else (pooling, dropout, activations, weights) changes the statistics the second one
 * sees.
 */
@Rule(id = "ConsecutiveBatchNorm",
        severity = Severity.WARNING,
        summary = "batch norm directly after batch norm",
        pattern = "`@BatchNorm` → `@BatchNorm`, only `@Flatten` between",
        rationale = "The first batch norm's output is already normalised up to its learned scale and shift, so the"
                + " second re-normalises it and one of the two affine pairs is redundant",
        citation = "Ioffe & Szegedy 2015, arXiv 1502.03167 (BN output is gamma * x_hat + beta)",
        fix = "remove one of the two batch norms")
public final class ConsecutiveBatchNorm implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode first : flow.nodes()) {
            if (!(first.spec() instanceof LayerSpec.BatchNorm)) {
                continue;
            }
            for (Layers.Walk walk : Layers.forward(flow, first, Layers.FLATTEN)) {
                if (!walk.stopped() || !(walk.stop().spec() instanceof LayerSpec.BatchNorm)) {
                    continue;
                }
                LayerNode second = walk.stop();
                context.report(Finding.on(second, context.describe(second) + " normalises the output of "
                                + context.describe(first) + context.through(walk.passed())
                                + ", which is already normalised up to its learned scale and shift, so one of the two"
                                + " is redundant")
                        .fix("remove '" + second.name() + "'")
                        .related(first));
            }
        }
    }
}
