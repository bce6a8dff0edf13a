package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;

/**
 * An output {@code @Softmax} under {@link Loss#SOFTMAX_CROSS_ENTROPY}, which takes logits and
 * applies softmax itself: a double softmax. The ranking of classes survives, so predictions are
 * right, but the loss is bounded away from 0 and the gradients are weak. One-unit outputs are left
 * to SoftmaxOnSingleUnit.
 */
@Rule(id = "SoftmaxBeforeLogitsLoss",
        severity = Severity.WARNING,
        summary = "softmax output under a loss that applies softmax itself",
        pattern = "`@Softmax` as the output layer with loss `SOFTMAX_CROSS_ENTROPY` (which takes logits)",
        rationale = "A double softmax: the loss sees probabilities in [0, 1] as logits, so it is bounded away from 0"
                + " and its gradients are weak",
        citation = "Keras from_logits warning; ariecattan/SciCo#2; bowang-lab/Transformer-GCN-QA#32",
        fix = "remove the softmax; the loss and the generated model's predict(x) apply it")
public final class SoftmaxBeforeLogitsLoss implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        if (model.loss() != Loss.SOFTMAX_CROSS_ENTROPY) {
            return;
        }
        OutputBounds.outputActivation(model, Function.SOFTMAX)
                .filter(n -> n.output().size() >= 2)
                .ifPresent(n -> context.report(
                        Finding.on(n, "SOFTMAX_CROSS_ENTROPY applies softmax itself, so " + context.describe(n)
                                        + " makes it a double softmax: "
                                        + OutputBounds.softmaxOfUnitInterval((int) n.output().size())
                                        + ", and the gradients are weak")
                                .fix("remove '" + n.name() + "'; the loss and the generated model's predict(x)"
                                        + " apply softmax")));
    }
}
