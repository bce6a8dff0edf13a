package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;
import java.util.List;

/**
 * Weight → activation → batch norm keeps the batch norm from being folded into the weights for
 * inference. Off by default: the order it asks to change is one the literature disputes (Chen et
 * al. 2019 argue for batch norm after the activation), and Lamina's runtime does not fold batch
 * norm today, so the benefit is for exported models only.
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
        List<LayerNode> layers = model.layers();
        for (int i = 0; i + 2 < layers.size(); i++) {
            LayerNode weight = layers.get(i);
            LayerNode act = layers.get(i + 1);
            LayerNode bn = layers.get(i + 2);
            if (weight.spec().isWeightLayer() && Layers.ELEMENTWISE_ACTIVATION.test(act.spec())
                    && Layers.BATCH_NORM.test(bn.spec())) {
                context.report(Finding.on(bn, context.describe(bn) + " follows " + context.describe(act)
                                + " rather than " + context.describe(weight) + ", so it cannot be folded into the"
                                + " weights of '" + weight.name() + "' for inference, nor fused with it")
                        .fix("if the order is not deliberate (Chen et al. 2019 argue for it), move '" + bn.name()
                                + "' between '" + weight.name() + "' and '" + act.name() + "'")
                        .related(weight, act));
            }
        }
    }
}
