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

/**
 * Dropout after the last weight layer acts on the model's output (the logits the loss reads), not
 * on features: training computes the loss on randomly zeroed, rescaled outputs that inference never
 * produces. A dropout with rate 0 is the identity and is not matched; so is dropout in a model
 * without weight layers, which has nothing to train.
 */
@Rule(id = "StochasticLayerAfterOutput",
        severity = Severity.ERROR,
        summary = "dropout after the last weight layer perturbs the model's output",
        pattern = "`@Dropout` (rate > 0) with no `@Conv2d` or `@Dense` after it",
        rationale = "The loss is computed on outputs with random units zeroed and the rest scaled by 1/(1 - rate),"
                + " so training fits noise that inference never applies",
        citation = "keras#5992; DL4J NeuralNetConfiguration dropout javadoc",
        fix = "move the dropout before the last weight layer")
public final class StochasticLayerAfterOutput implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode n : flow.nodes()) {
            if (!(n.spec() instanceof LayerSpec.Dropout d) || d.rate() <= 0
                    || Layers.forward(flow, n, Layers.WEIGHT.negate()).stream().anyMatch(Layers.Walk::stopped)) {
                continue;
            }
            // No weight layer after it; the nearest one before it is the output layer it follows (after a
            // junction, one per path: the first is named).
            Layers.backward(flow, n, Layers.WEIGHT.negate()).stream().filter(Layers.Walk::stopped).findFirst()
                    .ifPresent(back -> {
                        LayerNode weight = back.stop();
                        context.report(Finding.on(n, context.describe(n) + " comes after the last weight layer, "
                                        + context.describe(weight) + ", so in training the loss sees outputs with random"
                                        + " units set to 0 and the others scaled by 1/(1 - " + Layers.number(d.rate())
                                        + "), which inference never does")
                                .fix("move '" + n.name() + "' before '" + weight.name() + "'")
                                .related(weight));
                    });
        }
    }
}
