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
 * Weight → activation → batch norm keeps the batch norm from being folded into the weights for
 * inference. Off by default: the order it asks to change is one the literature disputes (Chen et
 * al. 2019 argue for batch norm after the activation). Lamina's own rewrite BatchNormFold folds
 * only a batch norm directly after a weight layer, so this order also forgoes that fold.
 */
@Rule(id = "FusionBlockingOrder",
        severity = Severity.OFF,
        summary = "batch norm after the activation cannot be folded into the weight layer",
        pattern = "`@Conv2d`/`@Dense` → elementwise activation → `@BatchNorm`",
        rationale = "Only a batch norm directly after a weight layer can be folded into its weights for inference or"
                + " fused as conv-BN-ReLU; the order itself is disputed, so the rule is off by default",
        citation = "torch.ao.quantization.fuse_modules docs; PyTorch FX conv/BN fusion tutorial",
        fix = "if the order is not deliberate, move the batch norm between the weight layer and the activation")
public final class FusionBlockingOrder implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode weight : flow.nodes()) {
            if (!weight.spec().isWeightLayer()) {
                continue;
            }
            for (LayerNode act : flow.successors(weight)) {
                if (!Layers.ELEMENTWISE_ACTIVATION.test(act.spec())) {
                    continue;
                }
                for (LayerNode bn : flow.successors(act)) {
                    if (Layers.BATCH_NORM.test(bn.spec())) {
                        context.report(Finding.on(bn, context.describe(bn) + " follows " + context.describe(act)
                                        + " rather than " + context.describe(weight) + ", so it cannot be folded into"
                                        + " the weights of '" + weight.name() + "' for inference, nor fused with it")
                                .fix("if the order is not deliberate (Chen et al. 2019 argue for it), move '"
                                        + bn.name() + "' between '" + weight.name() + "' and '" + act.name() + "'")
                                .related(weight, act));
                    }
                }
            }
        }
    }
}
