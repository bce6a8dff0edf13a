package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.Step;
import dev.lamina.processor.ir.Steps;
import dev.lamina.processor.lint.Blocks;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;
import java.util.List;
import java.util.Optional;

/**
 * A shortcut that is neither the identity nor a projection. He, Zhang, Ren and Sun (2016, "Identity
 * Mappings in Deep Residual Networks", arXiv 1603.05027, §3 and Table 1) derive that the signal and
 * its gradient pass between any two units unchanged only through identity shortcuts, and measured
 * the alternatives on ResNet-110, CIFAR-10 (6.61% test error with identity shortcuts): constant
 * scaling, gating and dropout on the shortcut all trained worse, and dropout on the shortcut (keep
 * ratio 0.5) did not converge to a comparable error ("fail": above 20%).
 *
 * <p>A projection is what matches shapes where a unit changes them (He et al. 2015, option B): a
 * {@code @Conv2d} (or a {@code @Dense} for vectors), optionally followed by {@code @BatchNorm}.
 * ResNet-D's {@code @AvgPool2d} before the projection conv (He, Zhang et al. 2019, "Bag of Tricks",
 * arXiv 1812.01187, which measured it better than the strided 1x1 conv) is accepted too. Anything
 * else on the shortcut is reported at the first layer that does not fit: dropout, an activation, a
 * batch norm alone, a second weight layer, or a nested block.
 */
@Rule(id = "ShortcutNotIdentityOrProjection",
        severity = Severity.WARNING,
        summary = "residual shortcut is neither the identity nor a projection",
        pattern = "a `@Residual` shortcut other than none (identity) or `@Conv2d`/`@Dense` optionally followed by"
                + " `@BatchNorm` (optionally after `@AvgPool2d`): dropout, activations, batch norm alone, more weight"
                + " layers, blocks",
        rationale = "Only an identity shortcut passes the signal and its gradient between units unchanged; on"
                + " ResNet-110, CIFAR-10 (6.61% with identity shortcuts) scaling, gating and dropout on the shortcut"
                + " all trained worse, and dropout 0.5 on the shortcut did not reach a comparable error (above 20%)",
        citation = "He et al. 2016, Identity Mappings in Deep Residual Networks, arXiv 1603.05027, §3 and Table 1",
        fix = "leave the shortcut empty (identity) or, where the unit changes the shape, make it a projection: a"
                + " @Conv2d with the unit's filters and stride, optionally followed by @BatchNorm")
public final class ShortcutNotIdentityOrProjection implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        for (Residual unit : Blocks.residuals(model)) {
            offender(unit.shortcut()).ifPresent(bad -> context.report(
                    Finding.on(bad, context.describe(bad) + " is on the shortcut " + unit.shortcutBlock() + " of "
                                    + context.describe(unit.add()) + ", which is then "
                                    + (Layers.DROPOUT.test(bad.spec())
                                            ? "randomly dropped: with dropout 0.5 on the shortcut ResNet-110 did not"
                                                    + " reach a comparable CIFAR-10 error (above 20%, against 6.61% with"
                                                    + " the identity)"
                                            : "neither the identity nor a projection (a conv, optionally with batch"
                                                    + " norm): only the identity passes the signal and its gradient"
                                                    + " between units unchanged, and scaled, gated and dropped-out"
                                                    + " shortcuts all trained worse"))
                            .fix(Layers.DROPOUT.test(bad.spec())
                                    ? "remove '" + bad.name() + "' from the shortcut; if the unit needs"
                                            + " regularisation, put the dropout inside the residual branch"
                                    : "remove '" + bad.name() + "' from the shortcut, leaving the identity or a"
                                            + " projection (@Conv2d, optionally followed by @BatchNorm)")
                            .related(unit.add())));
        }
    }

    /** The first layer of {@code shortcut} that does not fit {@code [AvgPool2d] weight [BatchNorm]}, if any. */
    static Optional<LayerNode> offender(List<Step> shortcut) {
        List<LayerNode> layers = Steps.layers(shortcut);
        for (Step step : shortcut) {
            if (!(step instanceof LayerNode)) {
                return Optional.of(step.layers().get(0));
            }
        }
        int i = 0;
        if (i < layers.size() && layers.get(i).spec() instanceof LayerSpec.Pool2d p
                && p.mode() == LayerSpec.Pool2d.Mode.AVG && layers.size() > 1) {
            i++;
        }
        if (i < layers.size()) {
            if (!layers.get(i).spec().isWeightLayer()) {
                return Optional.of(layers.get(i));
            }
            i++;
        }
        if (i < layers.size() && Layers.BATCH_NORM.test(layers.get(i).spec())) {
            i++;
        }
        return i < layers.size() ? Optional.of(layers.get(i)) : Optional.empty();
    }
}
