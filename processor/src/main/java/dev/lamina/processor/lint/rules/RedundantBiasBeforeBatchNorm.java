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
import java.util.function.Predicate;

/**
 * A bias that batch norm cancels: BN subtracts the batch mean per channel (per feature after
 * flatten), which contains the bias, so {@code BN(Wx + b) = BN(Wx)} and the bias gets zero
 * gradient; beta provides the offset instead (Ioffe and Szegedy 2015, §3.2).
 *
 * <p>Between the weight layer and the batch norm only layers that keep a per-channel constant
 * offset constant may stand: flatten and pooling (the max or mean of x + b is max(x) + b). Dropout
 * (scales the offset by its random mask) and activations (nonlinear) stop the match. Global average
 * pooling keeps the offset too, and so do the junctions of blocks: a concatenation keeps each
 * channel's offset on its own channel, and a residual addition adds the other path to it, so the
 * sum still carries the bias as a per-channel constant. Where the weight layer's output goes several
 * ways (into a block, or past a junction into a later one), the bias is redundant only if every way
 * ends at a batch norm; one way that reaches anything else (a ReLU, the classifier) uses it.
 */
@Rule(id = "RedundantBiasBeforeBatchNorm",
        severity = Severity.WARNING,
        summary = "bias directly before batch norm is cancelled by it",
        pattern = "`@Conv2d`/`@Dense` with `bias = true` → ... → `@BatchNorm`, only flatten, pooling, global pooling,"
                + " residual additions or concatenations between, on every path from the weight layer",
        rationale = "Batch norm subtracts the batch mean, which contains the bias, so the bias has no effect and gets"
                + " zero gradient; batch norm's beta plays its role",
        citation = "Ioffe & Szegedy 2015, arXiv 1502.03167, §3.2; PyTorch performance tuning guide;"
                + " pytorch/vision PR #5012; NeuraLint f005",
        fix = "set bias = false on the weight layer")
public final class RedundantBiasBeforeBatchNorm implements LintRule {
    private static final Predicate<LayerSpec> KEEPS_OFFSET =
            Layers.FLATTEN.or(Layers.POOL).or(Layers.GLOBAL_POOL).or(Layers.JUNCTION);

    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode weight : flow.nodes()) {
            boolean bias = weight.spec() instanceof LayerSpec.Conv2d c ? c.bias()
                    : weight.spec() instanceof LayerSpec.Dense d && d.bias();
            if (!bias) {
                continue;
            }
            List<Layers.Walk> walks = Layers.forward(flow, weight, KEEPS_OFFSET);
            if (walks.stream().anyMatch(w -> !w.stopped() || !(w.stop().spec() instanceof LayerSpec.BatchNorm))) {
                continue;
            }
            Layers.Walk walk = walks.get(0);
            LayerNode bn = walk.stop();
            long more = walks.stream().map(w -> w.stop().name()).distinct().count() - 1;
            int units = Layers.width(weight.spec());
            context.report(Finding.on(weight, context.describe(weight) + " adds a bias that " + context.describe(bn)
                            + context.through(walk.passed()) + " subtracts again with the batch mean"
                            + (more == 0 ? "" : " (as do the " + more + " other batch norm" + (more == 1 ? "" : "s")
                                    + " its output reaches)")
                            + ", so its " + units
                            + " parameters have no effect and get zero gradient; the beta of '" + bn.name()
                            + "' provides the offset")
                    .member("bias")
                    .fix("set bias = false on '" + weight.name() + "'")
                    .related(bn));
        }
    }
}
