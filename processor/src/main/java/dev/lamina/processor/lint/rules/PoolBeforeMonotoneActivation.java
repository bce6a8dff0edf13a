package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;

/**
 * A non-decreasing activation directly before a max pool: {@code max_i f(x_i) = f(max_i x_i)}, so
 * pooling first gives the same output and evaluates f on fewer values. Non-decreasing here: ReLU,
 * ELU with alpha >= 0, LeakyReLU with slope >= 0, tanh, sigmoid. Average pooling does not commute
 * with a nonlinear f and is not matched.
 */
@Rule(id = "PoolBeforeMonotoneActivation",
        severity = Severity.NOTE,
        summary = "pooling first would compute the same for less",
        pattern = "non-decreasing activation → `@MaxPool2d`",
        rationale = "Max pooling commutes with non-decreasing functions, so pooling first gives the same output and"
                + " evaluates the activation on fewer values; gradients agree except at ties",
        citation = "max_i f(x_i) = f(max_i x_i) for non-decreasing f",
        fix = "swap the activation and the max pool",
        carriedOutBy = "MaxPoolBeforeMonotoneActivation")
public final class PoolBeforeMonotoneActivation implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (LayerNode act : flow.nodes()) {
            // Only an activation read by the pool alone can move behind it; a fork (the input of a block) cannot.
            if (!(act.spec() instanceof Activation a) || !a.isMonotone() || !Layers.readOnce(flow, act)) {
                continue;
            }
            for (LayerNode pool : flow.successors(act)) {
                if (pool.spec() instanceof LayerSpec.Pool2d p && p.mode() == LayerSpec.Pool2d.Mode.MAX
                        && pool.output().size() < act.input().size()) {
                    context.report(Finding.on(act, context.describe(act) + " is non-decreasing, so "
                                    + context.describe(pool) + " gives the same output if it runs first, and '"
                                    + act.name() + "' would then evaluate " + pool.output().size() + " instead of "
                                    + act.input().size() + " values per example")
                            .fix("swap '" + act.name() + "' and '" + pool.name() + "'")
                            .related(pool));
                }
            }
        }
    }
}
