package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
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
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An activation that clips, bounds or reorders the logits: ReLU (and LeakyReLU with slope 0) clip
 * at 0, ELU bounds below at -alpha, GELU and SiLU bound below at about -0.17 and -0.28 (their minima,
 * Hendrycks and Gimpel 2016), tanh and sigmoid squash into a bounded interval, LeakyReLU with a
 * negative slope is not monotone. Matched where the logits are: the input of an output
 * {@code @Softmax} (any loss), and the output of the model under a loss that takes logits
 * (SOFTMAX_CROSS_ENTROPY, SIGMOID_BINARY_CROSS_ENTROPY). A sigmoid output under those losses is
 * left to SigmoidBeforeLogitsLoss and SigmoidWithCategoricalCE. Under MSE the output is a
 * regression value, where a ReLU (non-negative targets) is legitimate, so it is not matched.
 *
 * <p>Max (2-D and 1-D), average and global average pooling keep every bound (the max or mean of values in a range
 * lies in it), and flatten and dropout (at inference) keep the values, so the activation is found
 * through them: SqueezeNet's last ReLU before its global pool makes every logit non-negative.
 */
@Rule(id = "NonlinearityBeforeOutput",
        severity = Severity.WARNING,
        summary = "an activation clips or bounds the logits",
        pattern = "`@ReLU`/`@ELU`/`@GELU`/`@SiLU`/`@Tanh` (and `@Sigmoid` before `@Softmax`) producing the logits:"
                + " as the last layer"
                + " under a logits loss, or directly before an output `@Softmax`; also through pooling, global"
                + " pooling, flatten or dropout",
        rationale = "Clipped or squashed logits keep the model from lowering wrong classes or from becoming"
                + " confident, and cut the gradient where the activation is flat",
        citation = "pytorch/examples PR #117; NeuraLint f003",
        fix = "remove the activation so that the last weight layer's output is the logits")
public final class NonlinearityBeforeOutput implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        Dataflow flow = Dataflow.of(model);
        Optional<LayerNode> out = Layers.output(flow);
        if (out.isEmpty()) {
            return;
        }
        LayerNode output = out.get();
        if (Layers.isActivation(output.spec(), Function.SOFTMAX)) {
            for (Layers.Walk walk : Layers.backward(flow, output, KEEPS_BOUNDS)) {
                if (!walk.stopped()) {
                    continue;
                }
                LayerNode logits = walk.stop();
                effect(logits, true).ifPresent(effect -> context.report(
                        Finding.on(logits, context.describe(output) + " turns the outputs of "
                                        + context.describe(logits) + context.through(walk.passed())
                                        + " into probabilities, but '" + logits.name() + "' " + effect)
                                .fix("remove '" + logits.name() + "' so that softmax reads the logits of the last"
                                        + " weight layer")
                                .related(output)));
            }
        } else if (model.loss() != Loss.MSE) {
            List<Layers.Walk> producers = KEEPS_BOUNDS.test(output.spec())
                    ? withOutput(Layers.backward(flow, output, KEEPS_BOUNDS), output)
                    : List.of(new Layers.Walk(List.of(), output));
            for (Layers.Walk walk : producers) {
                if (!walk.stopped()) {
                    continue;
                }
                LayerNode act = walk.stop();
                effect(act, false).ifPresent(effect -> context.report(
                        Finding.on(act, model.loss() + " takes logits, but " + context.describe(act)
                                        + " produces them" + context.through(walk.passed()) + " and " + effect)
                                .fix("remove '" + act.name() + "' so that the last weight layer's output is the"
                                        + " logits")));
            }
        }
    }

    /** Layers whose output stays within the bounds of their input: pooling, flatten, dropout. */
    private static final Predicate<LayerSpec> KEEPS_BOUNDS =
            Layers.POOL.or(Layers.GLOBAL_POOL).or(Layers.FLATTEN).or(Layers.DROPOUT);

    /** The walks back from {@code output} with {@code output} itself among the layers passed, last. */
    private static List<Layers.Walk> withOutput(List<Layers.Walk> walks, LayerNode output) {
        return walks.stream().map(w -> {
            List<LayerNode> passed = new java.util.ArrayList<>(w.passed());
            passed.add(output);
            return new Layers.Walk(passed, w.stop());
        }).toList();
    }

    /** What the activation does to logits, or empty when it is harmless there. */
    private static Optional<String> effect(LayerNode node, boolean sigmoidToo) {
        if (!(node.spec() instanceof Activation a)) {
            return Optional.empty();
        }
        return switch (a.function()) {
            case RELU -> Optional.of(CLIPS);
            case LEAKY_RELU -> a.parameter() == 0 ? Optional.of(CLIPS)
                    : a.parameter() < 0 ? Optional.of("is not monotone with slope " + Layers.number(a.parameter())
                            + ", so a lower logit can give a higher score")
                    : Optional.empty();
            case ELU -> Optional.of("bounds them below at -" + Layers.number(a.parameter())
                    + ", so a wrong class cannot be pushed lower");
            case TANH -> Optional.of("squashes them into (-1, 1), which bounds how confident any prediction can be"
                    + " and flattens the gradient");
            case SIGMOID -> sigmoidToo ? Optional.of("squashes them into (0, 1), which bounds how confident any"
                    + " prediction can be and flattens the gradient") : Optional.empty();
            case SOFTMAX -> Optional.empty();
            case GELU, GELU_TANH, SILU -> Optional.of("bounds them below at about -"
                    + (a.function() == Function.SILU ? "0.28" : "0.17") + ", so a wrong class cannot be pushed lower");
        };
    }

    private static final String CLIPS = "clips them at 0, so a wrong class cannot be pushed below 0 and a logit"
            + " that turns negative gets no gradient";
}
