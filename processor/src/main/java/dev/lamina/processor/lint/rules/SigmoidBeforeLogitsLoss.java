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
 * An output {@code @Sigmoid} under {@link Loss#SIGMOID_BINARY_CROSS_ENTROPY}, which takes logits
 * and applies the sigmoid itself: a double sigmoid, whose predictions lie in [0.5, 0.731]. Unlike
 * a double softmax, which keeps the ranking of classes, this makes every unit predicted present, so
 * it is an error.
 */
@Rule(id = "SigmoidBeforeLogitsLoss",
        severity = Severity.ERROR,
        summary = "sigmoid output under a loss that applies the sigmoid itself",
        pattern = "`@Sigmoid` as the output layer with loss `SIGMOID_BINARY_CROSS_ENTROPY` (which takes logits)",
        rationale = "A double sigmoid: predictions lie in [0.5, 0.731], so every unit is predicted present and targets"
                + " of 0 are unreachable",
        citation = "Keras from_logits warning; PyTorch BCEWithLogitsLoss docs",
        fix = "remove the sigmoid; the loss and the generated model's predict(x) apply it")
public final class SigmoidBeforeLogitsLoss implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        if (model.loss() != Loss.SIGMOID_BINARY_CROSS_ENTROPY) {
            return;
        }
        OutputBounds.outputActivation(model, Function.SIGMOID).ifPresent(n -> context.report(
                Finding.on(n, "SIGMOID_BINARY_CROSS_ENTROPY applies the sigmoid itself, so "
                                + context.describe(n) + " makes it a double sigmoid, under which "
                                + OutputBounds.SIGMOID_OF_UNIT_INTERVAL)
                        .fix("remove '" + n.name() + "'; the loss and the generated model's predict(x) apply the"
                                + " sigmoid")));
    }
}
