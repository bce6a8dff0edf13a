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
 * An output {@code @Softmax} under {@link Loss#SIGMOID_BINARY_CROSS_ENTROPY}, which applies the
 * sigmoid to its input: sigmoid of a probability lies in [0.5, 0.731], so every unit is predicted
 * present and a target of 0 can never be fitted.
 */
@Rule(id = "SoftmaxWithBinaryCE",
        severity = Severity.ERROR,
        summary = "softmax output under a sigmoid loss",
        pattern = "`@Softmax` as the output layer with loss `SIGMOID_BINARY_CROSS_ENTROPY`",
        rationale = "The loss applies a sigmoid to the softmax probabilities, so every prediction lies in [0.5, 0.731]"
                + " and targets of 0 are unreachable",
        citation = "DL4J OutputLayerUtil; keras PR #3098",
        fix = "remove the softmax; use SOFTMAX_CROSS_ENTROPY for one class per example, or"
                + " SIGMOID_BINARY_CROSS_ENTROPY alone for independent labels")
public final class SoftmaxWithBinaryCE implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        if (model.loss() != Loss.SIGMOID_BINARY_CROSS_ENTROPY) {
            return;
        }
        OutputBounds.outputActivation(model, Function.SOFTMAX).ifPresent(n -> context.report(
                Finding.on(n, "SIGMOID_BINARY_CROSS_ENTROPY applies a sigmoid to the probabilities of "
                                + context.describe(n) + ", so " + OutputBounds.SIGMOID_OF_UNIT_INTERVAL)
                        .fix("remove '" + n.name() + "' and use SOFTMAX_CROSS_ENTROPY for one class per example;"
                                + " for independent labels remove it and keep SIGMOID_BINARY_CROSS_ENTROPY")));
    }
}
