package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Blocks;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Checks each weight layer against a block template the project chose, because the literature
 * disagrees on where batch norm goes relative to the activation and Lamina takes no side by
 * default:
 * <ul>
 *   <li>{@code classic} (Ioffe and Szegedy 2015): every weight layer but the last is followed by
 *       batch norm, then (after optional pooling) an activation: weight → BN → activation.
 *   <li>{@code preact} (He et al. 2016, full pre-activation): every weight layer but the first is
 *       preceded by batch norm → activation (pooling, dropout or flatten may follow the activation).
 *       In a plain stack this agrees with {@code classic} on interior blocks; the two differ in
 *       which end is exempt.
 *   <li>{@code ic} (Chen et al. 2019, Independent-Component layer): every weight layer but the first
 *       is preceded by activation → BN → dropout (pooling may follow the activation).
 * </ul>
 * Off until {@code -Alamina.lint.BlockTemplate.template} is set, then a note.
 *
 * <p>In residual networks: projection shortcuts (a conv, optionally with BN, He et al. 2016) are not
 * held to the template, and in {@code classic} the activation may come after the block's addition
 * or concatenation (the original residual unit is conv → BN, add, ReLU).
 */
@Rule(id = "BlockTemplate",
        severity = Severity.OFF,
        summary = "layer block deviates from the project's block template",
        pattern = "a weight layer not surrounded as the chosen template says: classic weight → `@BatchNorm` →"
                + " activation; preact `@BatchNorm` → activation → weight; ic activation → `@BatchNorm` →"
                + " `@Dropout` → weight",
        rationale = "The literature disagrees on batch norm before the activation (Ioffe & Szegedy; He et al.) or after"
                + " it (Chen et al.), so neither order is a warning; a project can pick one and keep to it",
        citation = "Ioffe & Szegedy 2015, arXiv 1502.03167; He et al. 2016, arXiv 1603.05027; Chen et al. 2019,"
                + " arXiv 1905.05928",
        fix = "reorder the block as the template says",
        parameters = @Rule.Parameter(name = "template", type = Rule.Parameter.Type.CHOICE,
                choices = {"classic", "preact", "ic"}, enablesRule = true,
                description = "the block template; setting it turns the rule on as a note"))
public final class BlockTemplate implements LintRule {
    /** One expected layer: what it must be and what may stand between it and the previous one. */
    private record Step(String name, Predicate<LayerSpec> is, Predicate<LayerSpec> skip) {}

    private static final Step BN_AFTER = new Step("a batch norm", Layers.BATCH_NORM, Layers.FLATTEN);
    private static final Step ACT_AFTER_BN = new Step("an activation", Layers.ELEMENTWISE_ACTIVATION,
            Layers.FLATTEN.or(Layers.POOL).or(Layers.GLOBAL_POOL).or(Layers.JUNCTION));

    @Override
    public void check(ModelIR model, LintContext context) {
        String template = context.parameter("template").orElse("");
        Dataflow flow = Dataflow.of(model);
        Set<String> shortcuts = Blocks.shortcutLayers(model);
        List<LayerNode> weights = flow.nodes().stream()
                .filter(n -> n.spec().isWeightLayer() && !shortcuts.contains(n.name()))
                .toList();
        for (int w = 0; w < weights.size(); w++) {
            LayerNode weight = weights.get(w);
            switch (template) {
                case "classic" -> {
                    if (w < weights.size() - 1) {
                        expect(context, flow, weight, true, template, "weight -> batch norm -> activation",
                                List.of(BN_AFTER, ACT_AFTER_BN));
                    }
                }
                case "preact" -> {
                    if (w > 0) {
                        expect(context, flow, weight, false, template, "batch norm -> activation -> weight",
                                List.of(new Step("an activation", Layers.ELEMENTWISE_ACTIVATION,
                                                Layers.FLATTEN.or(Layers.POOL).or(Layers.GLOBAL_POOL)
                                                        .or(Layers.DROPOUT)),
                                        new Step("a batch norm", Layers.BATCH_NORM, Layers.FLATTEN)));
                    }
                }
                case "ic" -> {
                    if (w > 0) {
                        expect(context, flow, weight, false, template, "activation -> batch norm -> dropout -> weight",
                                List.of(new Step("a dropout", Layers.DROPOUT, Layers.FLATTEN),
                                        new Step("a batch norm", Layers.BATCH_NORM, Layers.FLATTEN),
                                        new Step("an activation", Layers.ELEMENTWISE_ACTIVATION,
                                                Layers.FLATTEN.or(Layers.POOL).or(Layers.GLOBAL_POOL))));
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    /**
     * Walks from {@code weight} through {@code steps}, on every path; reports the first miss. The
     * next step starts from where the first path stopped (a straight stack has one path).
     */
    private static void expect(LintContext context, Dataflow flow, LayerNode weight, boolean forward,
            String template, String shape, List<Step> steps) {
        LayerNode at = weight;
        for (Step step : steps) {
            List<Layers.Walk> walks = forward
                    ? Layers.forward(flow, at, step.skip())
                    : Layers.backward(flow, at, step.skip());
            for (Layers.Walk walk : walks) {
                if (!walk.stopped() || !step.is().test(walk.stop().spec())) {
                    String found = walk.stopped() ? context.describe(walk.stop())
                            : forward ? "the end of the model" : "the model input";
                    Finding f = Finding.on(weight, "template " + template + " (" + shape + ") expects " + step.name()
                                    + (forward ? " after " : " before ") + context.describe(at) + ", but finds " + found)
                            .fix("reorder the block around '" + weight.name() + "' as " + shape);
                    context.report(walk.stopped() ? f.related(walk.stop()) : f);
                    return;
                }
            }
            at = walks.get(0).stop();
        }
    }
}
