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
 * Softmax probabilities trained with mean squared error. Only softmax is matched: a sigmoid output
 * under MSE is a common, legitimate regression onto [0, 1] (e.g. pixel intensities), so flagging it
 * would be a false positive.
 */
@Rule(id = "ProbOutputWithRegressionLoss",
        severity = Severity.WARNING,
        summary = "softmax probabilities trained with a regression loss",
        pattern = "`@Softmax` as the output layer with loss `MSE`",
        rationale = "The MSE gradient is multiplied by the softmax Jacobian and vanishes when a class saturates, even"
                + " the wrong one, so training is slow; cross-entropy on logits does not saturate",
        citation = "Stack Overflow 33969059 and 34311586 (NeuraLint data set); deeplearning4j#1248",
        fix = "for class targets remove the softmax and use SOFTMAX_CROSS_ENTROPY")
public final class ProbOutputWithRegressionLoss implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        if (model.loss() != Loss.MSE) {
            return;
        }
        OutputBounds.outputActivation(model, Function.SOFTMAX).ifPresent(n -> context.report(
                Finding.on(n, "MSE is applied to the probabilities of " + context.describe(n)
                                + ": its gradient passes through the softmax Jacobian and vanishes when a class"
                                + " saturates, even the wrong one")
                        .fix("for class targets remove '" + n.name() + "' and use SOFTMAX_CROSS_ENTROPY")));
    }
}
