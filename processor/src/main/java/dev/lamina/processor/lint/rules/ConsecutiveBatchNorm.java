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
 * A batch norm that normalises what another one normalised, with no weight layer between to change
 * it: only flatten (which moves values) and elementwise activations (BN-ReLU-BN) may stand between.
 * Pooling, dropout (left to DropoutBeforeBatchNorm), softmax and weight layers stop the match.
 *
 * <p>Through blocks: a concatenation keeps each part's channels, so a batch norm after it still
 * re-normalises the normalised ones; the pattern is common where a stem's BN-ReLU is followed by
 * pre-activation units that start with BN-ReLU again (kuangliu/pytorch-cifar#15,
 * raghakot/keras-resnet#26; He et al. 2016 share one activation there). An addition is passed only
 * when every other path into it also comes from a batch norm through the same layers, since a sum
 * with an un-normalised path is not normalised; a batch norm that reads an addition directly is left
 * to BatchNormAfterAddition.
 */
@Rule(id = "ConsecutiveBatchNorm",
        severity = Severity.WARNING,
        summary = "batch norm after batch norm with no weight layer between",
        pattern = "`@BatchNorm` → ... → `@BatchNorm` with only `@Flatten`, elementwise activations (BN-ReLU-BN) or"
                + " concatenations between, or an addition whose other paths also come from a batch norm",
        rationale = "The first batch norm's output is already normalised up to its learned scale and shift, and"
                + " nothing with weights changes it before the second re-normalises it, so one of the two affine"
                + " pairs is redundant or belongs after a missing weight layer",
        citation = "Ioffe & Szegedy 2015, arXiv 1502.03167 (BN output is gamma * x_hat + beta);"
                + " kuangliu/pytorch-cifar#15; raghakot/keras-resnet#26",
        fix = "remove one of the two batch norms")
public final class ConsecutiveBatchNorm implements LintRule {
    /** What keeps a normalised tensor free of weights on a path, junctions apart. */
    private static final Predicate<LayerSpec> BETWEEN = Layers.FLATTEN.or(Layers.ELEMENTWISE_ACTIVATION);

    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        Predicate<LayerNode> passableAdd = add -> Layers.backward(flow, add, BETWEEN).stream()
                .allMatch(w -> w.stopped() && Layers.BATCH_NORM.test(w.stop().spec()));
        for (LayerNode first : flow.nodes()) {
            if (!(first.spec() instanceof LayerSpec.BatchNorm)) {
                continue;
            }
            Predicate<LayerSpec> pass = BETWEEN.or(Layers.CONCAT).or(Layers.ADD);
            for (Layers.Walk walk : Layers.forward(flow, first, pass)) {
                if (!walk.stopped() || !(walk.stop().spec() instanceof LayerSpec.BatchNorm)
                        || walk.passed().stream().anyMatch(n -> Layers.ADD.test(n.spec()) && !passableAdd.test(n))) {
                    continue;
                }
                List<LayerNode> passed = walk.passed();
                if (!passed.isEmpty() && Layers.ADD.test(passed.get(passed.size() - 1).spec())) {
                    continue;
                }
                LayerNode second = walk.stop();
                boolean onlyFlatten = passed.stream().allMatch(n -> Layers.FLATTEN.test(n.spec()));
                context.report(Finding.on(second, context.describe(second) + " normalises the output of "
                                + context.describe(first) + context.through(passed)
                                + (onlyFlatten
                                        ? ", which is already normalised up to its learned scale and shift, so one"
                                                + " of the two is redundant"
                                        : " with no weight layer between, so it re-normalises values that '"
                                                + first.name() + "' normalised and only an elementwise function"
                                                + " changed since; one of the two is redundant or misplaced"))
                        .fix("remove '" + second.name() + "'")
                        .related(first));
            }
        }
    }
}
