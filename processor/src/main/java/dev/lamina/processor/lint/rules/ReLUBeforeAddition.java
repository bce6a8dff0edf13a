package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
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
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A residual branch whose output cannot be negative: it ends in a ReLU (or LeakyReLU with slope 0,
 * or a sigmoid), so {@code F(x) >= 0} and the addition {@code x + F(x)} can only increase the
 * signal, unit after unit, where a residual function should take values of either sign. He, Zhang,
 * Ren and Sun (2016, "Identity Mappings in Deep Residual Networks", arXiv 1603.05027) tried this
 * "ReLU before addition" unit (Fig. 4(c)): ResNet-110 on CIFAR-10 reached 7.84% test error against
 * 6.61% for the original unit, which applies the ReLU after the addition (Table 2).
 *
 * <p>Layers that keep the sign (pooling, global pooling, flatten, dropout) may follow the
 * activation at the end of the branch. Only the residual branch (the body) is checked: the
 * shortcut is ShortcutNotIdentityOrProjection's.
 */
@Rule(id = "ReLUBeforeAddition",
        severity = Severity.WARNING,
        summary = "residual branch ends in a ReLU, so it can only add",
        pattern = "a `@Residual` body whose last layer is `@ReLU` (or `@LeakyReLU` with slope 0, or `@Sigmoid`),"
                + " possibly followed by pooling, flatten or dropout",
        rationale = "The residual function is then non-negative and each unit can only increase the signal;"
                + " ResNet-110 on CIFAR-10 reached 7.84% test error with ReLU before the addition against 6.61%"
                + " with ReLU after it",
        citation = "He et al. 2016, Identity Mappings in Deep Residual Networks, arXiv 1603.05027, Fig. 4(c) and"
                + " Table 2",
        fix = "end the residual branch with its batch norm and apply the ReLU after the addition (original unit),"
                + " or use full pre-activation bodies (BN → ReLU → conv → BN → ReLU → conv)")
public final class ReLUBeforeAddition implements LintRule {
    /** Layers after which a non-negative tensor stays non-negative. */
    private static final Predicate<LayerSpec> KEEPS_SIGN =
            Layers.POOL.or(Layers.GLOBAL_POOL).or(Layers.FLATTEN).or(Layers.DROPOUT);

    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        for (Residual unit : Blocks.residuals(model)) {
            Optional<LayerNode> end = Blocks.last(unit.body());
            if (end.isEmpty()) {
                continue;
            }
            Set<String> body = Steps.layers(unit.body()).stream().map(LayerNode::name).collect(Collectors.toSet());
            List<Layers.Walk> walks = KEEPS_SIGN.test(end.get().spec())
                    ? Layers.backward(flow, end.get(), KEEPS_SIGN).stream()
                            .map(w -> new Layers.Walk(append(w.passed(), end.get()), w.stop())).toList()
                    : List.of(new Layers.Walk(List.of(), end.get()));
            for (Layers.Walk walk : walks) {
                if (!walk.stopped() || !body.contains(walk.stop().name()) || !nonNegative(walk.stop().spec())) {
                    continue;
                }
                LayerNode act = walk.stop();
                context.report(Finding.on(act, context.describe(act) + " ends the residual branch "
                                + unit.bodyBlock() + " of " + context.describe(unit.add()) + context.through(walk.passed())
                                + ", so the branch's output is never negative and each addition can only increase"
                                + " the signal (ResNet-110 on CIFAR-10: 7.84% test error against 6.61% with the"
                                + " activation after the addition)")
                        .fix("remove '" + act.name() + "' from " + unit.bodyBlock() + " and apply it after the"
                                + " addition '" + unit.add().name() + "' (original unit), or make the branch a full"
                                + " pre-activation one (BN → ReLU → conv → BN → ReLU → conv)")
                        .related(unit.add()));
            }
        }
    }

    /** ReLU, LeakyReLU with slope 0, sigmoid: activations whose output is never negative. */
    private static boolean nonNegative(LayerSpec spec) {
        if (!(spec instanceof Activation a)) {
            return false;
        }
        return switch (a.function()) {
            case RELU, SIGMOID -> true;
            case LEAKY_RELU -> a.parameter() == 0;
            default -> false;
        };
    }

    private static List<LayerNode> append(List<LayerNode> nodes, LayerNode last) {
        List<LayerNode> all = new java.util.ArrayList<>(nodes);
        all.add(last);
        return all;
    }
}
