package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec.Activation;
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
 * Two elementwise activations in a row (only flatten between). ReLU after ReLU has no effect, and
 * stays without effect through pooling and dropout, which keep values non-negative; two leaky ReLUs
 * equal one with the product of the slopes; any other pair composes into an unusual function that is
 * usually an editing leftover. Softmax is left to SoftmaxInHiddenLayer and NonlinearityBeforeOutput.
 */
@Rule(id = "RedundantActivation",
        severity = Severity.WARNING,
        summary = "two activations in a row",
        pattern = "elementwise activation → elementwise activation, only `@Flatten` between (for `@ReLU` → `@ReLU`"
                + " also pooling and dropout)",
        rationale = "ReLU is idempotent, so a second ReLU does nothing; other stacked activations compose into an"
                + " unusual function, which is usually a leftover of editing",
        citation = "NeuraLint f003",
        fix = "remove one of the two activations")
public final class RedundantActivation implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode first : flow.nodes()) {
            if (!(first.spec() instanceof Activation f) || !f.function().isElementwise()) {
                continue;
            }
            boolean relu = f.function() == Function.RELU;
            for (Layers.Walk walk : Layers.forward(flow, first,
                    relu ? Layers.FLATTEN.or(Layers.POOL).or(Layers.DROPOUT) : Layers.FLATTEN)) {
                if (!walk.stopped() || !(walk.stop().spec() instanceof Activation g)
                        || !g.function().isElementwise()) {
                    continue;
                }
                LayerNode second = walk.stop();
                String pair = context.describe(second) + " is applied to the output of " + context.describe(first)
                        + context.through(walk.passed());
                if (relu && g.function() == Function.RELU) {
                    context.report(Finding.on(second, pair + ", which is already >= 0, so it has no effect")
                            .fix("remove '" + second.name() + "'")
                            .related(first));
                } else if (walk.passed().stream().allMatch(n -> Layers.FLATTEN.test(n.spec()))) {
                    String effect = f.function() == Function.LEAKY_RELU && g.function() == Function.LEAKY_RELU
                            ? "together they equal one LeakyReLU with slope "
                                    + Layers.number(Math.round(f.parameter() * g.parameter() * 1e9) / 1e9)
                            : "two activations in a row compose into one unusual function (" + g.function().kind() + " of "
                                    + f.function().kind() + "), usually a leftover of editing";
                    context.report(Finding.on(second, pair + ": " + effect)
                            .fix("remove '" + first.name() + "' or '" + second.name() + "'")
                            .related(first));
                }
            }
        }
    }
}
