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
 * Two weight layers with no nonlinearity between compose into one affine map:
 * {@code W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)}, whose rank is at most the size of the
 * smallest tensor along the way (per example).
 * Layers that are affine at inference do not break the collapse, so they may stand between: batch
 * norm, dropout, flatten, average pooling and global average pooling. Max pooling and activations
 * are nonlinear and stop the match.
 *
 * <p>Only a straight run collapses: a junction stops the match (after an addition the second layer
 * reads the sum with another path, which may be nonlinear; after a concatenation it reads other
 * channels too), and so does a layer whose output is also read elsewhere, such as the layer before
 * a block (the first weight layer's output is still needed on the other path, so the two cannot be
 * merged; a projection shortcut after a plain stem conv is such a case).
 */
@Rule(id = "LinearStackCollapse",
        severity = Severity.WARNING,
        summary = "two weight layers with no activation between collapse into one",
        pattern = "`@Conv2d`/`@Dense` → ... → `@Conv2d`/`@Dense` with only batch norm, dropout, flatten, average"
                + " pooling or global average pooling between, in a straight run (no fork or junction between)",
        rationale = "A product of affine maps is one affine map, of rank at most the smallest tensor along the way,"
                + " so the second layer adds parameters but no capacity",
        citation = "FluxML/model-zoo#339; ultralytics/yolov5#5580; NeuraLint f009",
        fix = "add an activation such as @ReLU between the two weight layers, or merge them")
public final class LinearStackCollapse implements LintRule {
    private static final Predicate<LayerSpec> AFFINE = Layers.BATCH_NORM.or(Layers.DROPOUT).or(Layers.FLATTEN)
            .or(Layers.GLOBAL_POOL).or(s -> s instanceof LayerSpec.Pool2d p && p.mode() == LayerSpec.Pool2d.Mode.AVG);

    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode first : flow.nodes()) {
            if (!first.spec().isWeightLayer() || !Layers.readOnce(flow, first)) {
                continue;
            }
            for (Layers.Walk walk : Layers.forward(flow, first, AFFINE)) {
                if (!walk.stopped() || !walk.stop().spec().isWeightLayer()
                        || !walk.passed().stream().allMatch(n -> Layers.readOnce(flow, n))) {
                    continue;
                }
                LayerNode second = walk.stop();
                // The composed map factors through every intermediate space, so its rank is at most the
                // smallest of their sizes (per example).
                long rank = Math.min(first.input().size(), second.output().size());
                rank = Math.min(rank, first.output().size());
                for (LayerNode between : walk.passed()) {
                    rank = Math.min(rank, between.output().size());
                }
                context.report(Finding.on(first, context.describe(first) + " feeds " + context.describe(second)
                                + context.through(walk.passed()) + " with no activation between, so at inference the two"
                                + " compute one affine map of rank at most " + rank
                                + " and the second adds parameters but no capacity")
                        .fix("add an activation such as @ReLU between '" + first.name() + "' and '" + second.name()
                                + "', or merge them into one layer")
                        .related(second));
            }
        }
    }
}
