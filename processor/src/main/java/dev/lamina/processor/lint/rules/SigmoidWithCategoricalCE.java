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
 * An output {@code @Sigmoid} under {@link Loss#SOFTMAX_CROSS_ENTROPY}: independent-label output
 * under a one-class-per-example loss. Because Lamina's loss takes logits, the degenerate optimum of
 * frameworks whose categorical loss reads probabilities (every output driven to 1) cannot happen;
 * what remains is a softmax over values in (0, 1), bounded like a double softmax, so this is a
 * warning rather than an error. One-unit outputs are left to SoftmaxOnSingleUnit.
 */
@Rule(id = "SigmoidWithCategoricalCE",
        severity = Severity.WARNING,
        summary = "sigmoid output under a softmax loss",
        pattern = "`@Sigmoid` as the output layer with loss `SOFTMAX_CROSS_ENTROPY`",
        rationale = "The loss applies softmax to values in (0, 1), so no class can become confident, the loss is"
                + " bounded away from 0, and the saturating sigmoid weakens the gradients",
        citation = "DL4J OutputLayerUtil; keras#6421; keras#9939",
        fix = "remove the sigmoid for one class per example, or use SIGMOID_BINARY_CROSS_ENTROPY (without the"
                + " sigmoid) for independent labels")
public final class SigmoidWithCategoricalCE implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        if (model.loss() != Loss.SOFTMAX_CROSS_ENTROPY) {
            return;
        }
        OutputBounds.outputActivation(model, Function.SIGMOID)
                .filter(n -> n.output().size() >= 2)
                .ifPresent(n -> context.report(
                        Finding.on(n, "SOFTMAX_CROSS_ENTROPY applies softmax to the outputs of "
                                        + context.describe(n) + ", which lie in (0, 1), so "
                                        + OutputBounds.softmaxOfUnitInterval((int) n.output().size()))
                                .fix("remove '" + n.name() + "' for one class per example; for independent labels"
                                        + " remove it and use SIGMOID_BINARY_CROSS_ENTROPY")));
    }
}
