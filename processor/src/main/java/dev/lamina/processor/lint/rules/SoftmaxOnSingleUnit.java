package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;
import java.util.List;
import java.util.Optional;

/**
 * Softmax over one unit: {@code exp(x) / exp(x) = 1} for every x, so the output is constant and
 * the gradient is zero. Matches an explicit {@code @Softmax} on a one-unit input and
 * {@link Loss#SOFTMAX_CROSS_ENTROPY}, which applies softmax itself, on a one-unit output.
 */
@Rule(id = "SoftmaxOnSingleUnit",
        severity = Severity.ERROR,
        summary = "softmax over a single unit is constantly 1",
        pattern = "`@Softmax` on a 1-unit input, or loss `SOFTMAX_CROSS_ENTROPY` on a 1-unit output",
        rationale = "Softmax normalises over the units; over one unit it outputs 1.0 for every input and passes back a"
                + " zero gradient, so nothing before it learns",
        citation = "DL4J OutputLayerUtil; keras#500; keras#18909",
        fix = "for a binary target use 1 unit with SIGMOID_BINARY_CROSS_ENTROPY, or 2 units with"
                + " SOFTMAX_CROSS_ENTROPY")
public final class SoftmaxOnSingleUnit implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode n : flow.nodes()) {
            if (Layers.isActivation(n.spec(), Function.SOFTMAX) && n.input().size() == 1) {
                List<LayerNode> before = flow.predecessors(n);
                String source = before.isEmpty() ? "a 1-unit input" : "the 1 unit of " + context.describe(before.get(0));
                Finding f = Finding.on(n, context.describe(n) + " normalises " + source
                        + ", so it outputs 1.0 for every example and passes back a zero gradient");
                context.report(before.isEmpty() ? f : f.related(before.get(0)));
            }
        }
        Optional<LayerNode> out = Layers.output(flow);
        if (model.loss() == Loss.SOFTMAX_CROSS_ENTROPY && out.isPresent() && model.output().size() == 1
                && !Layers.isActivation(out.get().spec(), Function.SOFTMAX)) {
            LayerNode n = out.get();
            Finding f = Finding.on(n, "SOFTMAX_CROSS_ENTROPY applies softmax to the 1-unit output of "
                    + context.describe(n) + ", so the loss is 0 for every example and no layer gets a gradient");
            if (n.spec() instanceof LayerSpec.Dense) {
                f = f.member("value").fix("for a binary target keep 1 unit and use SIGMOID_BINARY_CROSS_ENTROPY,"
                        + " or give '" + n.name() + "' 2 units, one per class");
            }
            context.report(f);
        }
    }
}
