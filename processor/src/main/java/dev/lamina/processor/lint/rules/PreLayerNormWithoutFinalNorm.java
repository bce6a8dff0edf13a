package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.lint.Blocks;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A Pre-LN stack whose head reads the last residual sum without a final layer norm. In Pre-LN units
 * ({@code x + F(LN(x))}, the layer norm inside the residual branch, as Xiong et al. 2020, arXiv
 * 2002.04745, call the variant) a layer norm only sees what enters each branch: the residual stream
 * itself, which every unit adds its branch's output to, is never normalised. The published Pre-LN
 * models normalise it once at the end: GPT-2 (Radford et al. 2019, "Language Models are
 * Unsupervised Multitask Learners") moved layer normalization "to the input of each sub-block" and
 * added "an additional layer normalization ... after the final self-attention block" ({@code
 * ln_f} in openai/gpt-2 {@code src/model.py}, applied before the logits); the Vision Transformer
 * (Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words", ICLR, arXiv 2010.11929) applies a layer
 * norm before every block and one to the encoder's output ({@code encoder_norm} in
 * google-research/vision_transformer {@code vit_jax/models_vit.py}) before the pooling and the
 * head. Severity: a warning, as the published architectures agree, though no source gives an
 * ablation number for leaving it out.
 *
 * <p>A stack counts as Pre-LN when its last residual unit's body starts with {@code @LayerNorm}.
 * From the last addition the rule walks through dropout, pooling, global pooling and flatten; a
 * layer norm reached there is the final one, also when it comes after the pooling (timm's Vision
 * Transformer with {@code global_pool='avg'} normalises the pooled vector, {@code fc_norm}, instead
 * of the tokens). Matched when the walk reaches the head without one: an activation, a dense layer,
 * or the end of the model. A junction, a fork, or another kind of layer (attention outside a
 * residual) is not matched.
 */
@Rule(id = "PreLayerNormWithoutFinalNorm",
        severity = Severity.WARNING,
        summary = "pre-LN residual stack without a layer norm after its last unit",
        pattern = "the last `@Residual` unit's body starts with `@LayerNorm` (Pre-LN), and its addition is followed"
                + " by the head (an activation, `@Dense` or the end of the model, after any dropout, pooling or"
                + " flatten) with no `@LayerNorm` between",
        rationale = "Pre-LN units normalise only what enters each residual branch, never the residual stream that"
                + " sums every branch's output, so without a final layer norm the head reads an un-normalised sum;"
                + " GPT-2 and the Vision Transformer both add one layer norm after the last block",
        citation = "Radford et al. 2019, Language Models are Unsupervised Multitask Learners (GPT-2; openai/gpt-2"
                + " src/model.py, ln_f); Dosovitskiy et al. 2021, An Image is Worth 16x16 Words, arXiv 2010.11929"
                + " (google-research/vision_transformer vit_jax/models_vit.py, encoder_norm)",
        fix = "add @LayerNorm right after the last residual unit, before the pooling and the head")
public final class PreLayerNormWithoutFinalNorm implements LintRule {
    /** Layers between the stack and its head that neither mix features nor normalise: walked through. */
    private static final Predicate<LayerSpec> BEFORE_HEAD =
            Layers.DROPOUT.or(Layers.GLOBAL_POOL).or(Layers.POOL).or(Layers.FLATTEN);

    /** Layers of a model's head: what reads the stack's output. */
    private static final Predicate<LayerSpec> HEAD =
            s -> s instanceof LayerSpec.Activation || s instanceof LayerSpec.Dense;

    @Override
    public void check(ModelIR model, LintContext context) {
        List<Residual> units = Blocks.residuals(model);
        if (units.isEmpty()) {
            return;
        }
        Dataflow flow = Dataflow.of(model);
        Residual last = units.stream()
                .max(Comparator.comparingInt(u -> flow.nodes().indexOf(u.add())))
                .orElseThrow();
        Optional<LayerNode> ln = Blocks.first(last.body());
        if (ln.isEmpty() || !Layers.LAYER_NORM.test(ln.get().spec())) {
            return;
        }
        LayerNode add = last.add();
        if (flow.successors(add).size() > 1) {
            return;
        }
        List<Layers.Walk> walks = Layers.forward(flow, add, BEFORE_HEAD);
        if (walks.size() != 1) {
            return;
        }
        Layers.Walk walk = walks.get(0);
        if (walk.stopped() && !HEAD.test(walk.stop().spec())) {
            return;
        }
        Optional<LayerNode> after = flow.successors(add).stream().findFirst();
        String start = "its last unit's body " + last.bodyBlock() + " starts with " + context.describe(ln.get());
        String missing = walk.stopped()
                ? "the sum of " + context.describe(add) + " reaches " + context.describe(walk.stop())
                        + context.through(walk.passed()) + " without a layer norm"
                : "the model ends with the sum of " + context.describe(add) + context.through(walk.passed())
                        + ", without a layer norm";
        Finding f = Finding.on(after.orElse(add), "this is a Pre-LN residual stack (" + start + "), but " + missing
                        + ": the head reads the residual stream, which no layer norm has seen, where GPT-2 and the"
                        + " Vision Transformer normalise it once after the last block")
                .fix("add @LayerNorm right after '" + add.name() + "'"
                        + after.map(n -> ", before '" + n.name() + "'").orElse(""));
        context.report(after.isPresent() ? f.related(add) : f);
    }
}
