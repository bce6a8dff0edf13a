package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;
import java.util.List;

/**
 * Softmax used as a hidden activation: anything but flatten or dropout after it. (A dropout after
 * an output softmax is StochasticLayerAfterOutput's business.)
 */
@Rule(id = "SoftmaxInHiddenLayer",
        severity = Severity.WARNING,
        summary = "softmax used as a hidden activation",
        pattern = "`@Softmax` followed by any layer other than `@Flatten` or `@Dropout`",
        rationale = "Softmax makes the units compete (they sum to 1), saturates as soon as one dominates, and"
                + " scales down every gradient through its Jacobian",
        citation = "chris-nemeth/sgmcmc-review-paper#2",
        fix = "use an elementwise activation such as @ReLU in hidden layers; keep softmax for the output, or leave"
                + " it to the loss")
public final class SoftmaxInHiddenLayer implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode softmax : flow.nodes()) {
            if (!Layers.isActivation(softmax.spec(), Function.SOFTMAX)) {
                continue;
            }
            for (Layers.Walk walk : Layers.forward(flow, softmax, Layers.FLATTEN.or(Layers.DROPOUT))) {
                if (!walk.stopped()) {
                    continue;
                }
                LayerNode next = walk.stop();
                context.report(Finding.on(softmax, context.describe(softmax) + " feeds " + context.describe(next)
                                + context.through(walk.passed()) + ": as a hidden activation it makes the units"
                                + " compete (they sum to 1), saturates as soon as one dominates and scales down every"
                                + " gradient through it")
                        .fix("replace '" + softmax.name() + "' with an elementwise activation such as @ReLU")
                        .related(next));
            }
        }
    }
}
