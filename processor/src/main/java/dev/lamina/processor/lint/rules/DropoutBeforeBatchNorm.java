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
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The "variance shift" of Li et al. (2018): dropout scales the variance of its output by about
 * 1/(1 - rate) in training and not at all at inference, while a batch norm after it keeps the
 * running variance it saw in training.
 *
 * <p>What may stand between the two and still carry the shift: flatten (moves values), pooling
 * (max and average keep a variance gap, if not in proportion), any elementwise activation (the
 * train/test mismatch survives a nonlinearity) and further dropout. A weight layer in between mixes
 * many units and attenuates the shift as its width grows (Li et al.: why Wide ResNet tolerates
 * dropout), so by default it stops the match; with {@code minWidth} set, weight layers narrower than
 * that are passed and such findings are reported as notes at most. Softmax stops the match.
 *
 * <p>Through blocks: a concatenation passes the dropped-out channels on unchanged, and an addition
 * adds their variance to the other path's, so both carry the shift to a batch norm after them; so
 * does global average pooling. Li et al. measured exactly this in DenseNet, where each bottleneck's
 * dropout reaches the next layer's batch norm through the concatenation: 77.42% CIFAR-100 test
 * accuracy without dropout against 68.55% with dropout 0.5 in every bottleneck (Fig. 1). A dropout
 * whose output reaches several batch norms (each later unit's, through identity shortcuts) is
 * reported once, naming the first.
 */
@Rule(id = "DropoutBeforeBatchNorm",
        severity = Severity.WARNING,
        summary = "dropout before batch norm makes its statistics differ between training and inference",
        pattern = "`@Dropout` → ... → `@BatchNorm` with only flatten, pooling, global pooling, elementwise"
                + " activations, dropout, residual additions or concatenations between (a weight layer between is"
                + " not matched)",
        rationale = "Variance shift: batch norm's running variance is estimated on dropped-out activations, which"
                + " inference never sees; DenseNet on CIFAR-100, with dropout reaching each next batch norm through"
                + " the concatenation, lost 9 points of accuracy to it (77.42% without dropout, 68.55% with)",
        citation = "Li et al. 2018, arXiv 1801.05134; NeuraLint f006",
        fix = "move the dropout after the last batch norm, e.g. just before the output layer",
        parameters = @Rule.Parameter(name = "minWidth", type = Rule.Parameter.Type.POSITIVE_INT,
                description = "also match through weight layers narrower than this many units or filters,"
                        + " reported as notes (unset: a weight layer stops the match)"))
public final class DropoutBeforeBatchNorm implements LintRule {
    private static final Predicate<LayerSpec> CARRIES_SHIFT = Layers.FLATTEN.or(Layers.POOL).or(Layers.GLOBAL_POOL)
            .or(Layers.ELEMENTWISE_ACTIVATION).or(Layers.DROPOUT).or(Layers.JUNCTION);

    @Override
    public void check(ModelIR model, LintContext context) {
        Optional<Integer> minWidth = context.parameter("minWidth").map(Integer::parseInt);
        Predicate<LayerSpec> pass = minWidth.isEmpty()
                ? CARRIES_SHIFT
                : CARRIES_SHIFT.or(s -> s.isWeightLayer() && Layers.width(s) < minWidth.get());
        Dataflow flow = Dataflow.of(model);
        for (LayerNode dropout : flow.nodes()) {
            if (!(dropout.spec() instanceof LayerSpec.Dropout d) || d.rate() == 0) {
                continue;
            }
            List<Layers.Walk> toBatchNorm = Layers.forward(flow, dropout, pass).stream()
                    .filter(w -> w.stopped() && w.stop().spec() instanceof LayerSpec.BatchNorm)
                    .toList();
            if (toBatchNorm.isEmpty()) {
                continue;
            }
            // Report the first path without weight layers, else the first path; name how many more there are.
            Layers.Walk walk = toBatchNorm.stream().filter(w -> !throughWeights(w)).findFirst()
                    .orElse(toBatchNorm.get(0));
            LayerNode bn = walk.stop();
            boolean throughWeights = throughWeights(walk);
            long more = toBatchNorm.stream().map(w -> w.stop().name()).distinct().count() - 1;
            Finding f = Finding.on(dropout, context.describe(dropout) + " reaches " + context.describe(bn)
                            + context.through(walk.passed()) + ": in training '" + bn.name()
                            + "' normalises activations whose variance dropout scaled by about 1/(1 - "
                            + Layers.number(d.rate()) + "), at inference dropout is the identity and '" + bn.name()
                            + "' keeps the running variance from training"
                            + (throughWeights ? "; the weight layers between are narrower than minWidth = "
                                    + minWidth.get() + " and attenuate the shift only in part" : "")
                            + (more == 0 ? "" : "; it reaches " + more + " more batch norm" + (more == 1 ? "" : "s")
                                    + " after it the same way"))
                    .fix("move '" + dropout.name() + "' after the last batch norm, e.g. just before the output"
                            + " layer")
                    .related(bn);
            context.report(throughWeights ? f.atMost(Severity.NOTE) : f);
        }
    }

    private static boolean throughWeights(Layers.Walk walk) {
        return walk.passed().stream().anyMatch(n -> n.spec().isWeightLayer());
    }
}
