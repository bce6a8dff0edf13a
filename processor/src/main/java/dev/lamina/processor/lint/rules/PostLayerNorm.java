package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.lint.Blocks;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Layers;
import dev.lamina.processor.lint.LintContext;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.Rule;
import dev.lamina.processor.lint.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * A stack of Post-LN residual units: each residual sum {@code x + F(x)} is read by a layer norm
 * alone, {@code LN(x + F(x))}, so the layer norm lies on the path from one unit to the next. This
 * is the original Transformer's unit (Vaswani et al. 2017) and BERT's. Xiong, Yang, He, Zheng,
 * Zheng, Xing, Zhang, Lan, Wang and Liu (2020, "On Layer Normalization in the Transformer
 * Architecture", ICML, arXiv 2002.04745) prove with mean field theory that at initialisation the
 * expected gradients of the parameters near the output of a Post-LN Transformer are large, so a
 * large learning rate makes training unstable and the learning-rate warm-up stage is what avoids
 * it; with the layer norm inside the residual branch instead (Pre-LN, {@code x + F(LN(x))}) the
 * gradients are well-behaved at initialisation, and their Pre-LN Transformers trained without a
 * warm-up stage reached results comparable to the baselines with less training time and
 * hyper-parameter tuning (abstract). The paper's own BLEU and loss figures were not re-read for
 * this rule, so the message states the finding without numbers.
 *
 * <p>Whether the trainer warms up is not known at compile time, so this is a note, not a warning.
 * It is reported once per model, on the first Post-LN layer norm, when at least {@code minUnits}
 * (default 3, Lamina's choice: "more than a couple of units") residual units are Post-LN and one
 * of their layer norms feeds a later unit. Not matched: the final layer norm of a Pre-LN stack,
 * which also reads the last sum alone but feeds no later unit; a layer norm that reads a sum some
 * other layer also reads (the first layer of a Pre-LN body, whose unit's shortcut reads the sum
 * itself).
 */
@Rule(id = "PostLayerNorm",
        severity = Severity.NOTE,
        summary = "layer norm after each residual addition (Post-LN) in a stack of units",
        pattern = "`@Residual` → `@LayerNorm`, the layer norm the only layer that reads the sum, in at least"
                + " `minUnits` (default 3) residual units, one of whose layer norms feeds a later unit",
        rationale = "Xiong et al. prove that at initialisation the expected gradients of the parameters near the"
                + " output of a Post-LN Transformer are large, so it needs a learning-rate warm-up stage to train"
                + " stably, while Pre-LN Transformers (layer norm at the start of each residual branch) have"
                + " well-behaved gradients and trained without warm-up to comparable results; whether the trainer"
                + " warms up is not known at compile time, hence a note",
        citation = "Xiong et al. 2020, On Layer Normalization in the Transformer Architecture, ICML, arXiv 2002.04745",
        fix = "train with a learning-rate warm-up (Trainer.builder(...).schedule(LearningRateSchedule.warmupCosine("
                + "...))), or move each layer norm to the start of its residual branch (Pre-LN) and add one final"
                + " @LayerNorm before the head",
        parameters = @Rule.Parameter(name = "minUnits", type = Rule.Parameter.Type.POSITIVE_INT, defaultValue = "3",
                description = "how many Post-LN residual units a model needs before the note is reported"))
public final class PostLayerNorm implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        int minUnits = context.parameter("minUnits").map(Integer::parseInt).orElse(3);
        Dataflow flow = Dataflow.of(model);
        List<Residual> postLn = new ArrayList<>();
        for (Residual unit : Blocks.residuals(model)) {
            if (postNorm(flow, unit) != null) {
                postLn.add(unit);
            }
        }
        if (postLn.size() < minUnits) {
            return;
        }
        for (Residual unit : postLn) {
            LayerNode ln = postNorm(flow, unit);
            if (!Layers.reachesAddition(flow, ln)) {
                continue;
            }
            LayerNode add = unit.add();
            context.report(Finding.on(ln, context.describe(ln) + " normalises the sum of " + context.describe(add)
                            + " and is the only layer that reads it, as in " + postLn.size() + " residual units of"
                            + " this model (Post-LN, the unit of Vaswani et al. 2017 and BERT): Xiong et al. prove"
                            + " that at initialisation the expected gradients of the parameters near the output of a"
                            + " Post-LN Transformer are large, so training it needs a learning-rate warm-up stage,"
                            + " while Pre-LN Transformers trained without one")
                    .fix("train with a learning-rate warm-up (Trainer.builder(...).schedule("
                            + "LearningRateSchedule.warmupCosine(...))), or make the units Pre-LN: move '" + ln.name()
                            + "' and the other post-addition layer norms to the start of their residual branches and"
                            + " add one final @LayerNorm after the last unit, before the head")
                    .related(add));
            return;
        }
    }

    /** The layer norm that alone reads {@code unit}'s sum, or null. */
    private static LayerNode postNorm(Dataflow flow, Residual unit) {
        List<LayerNode> readers = flow.successors(unit.add());
        if (readers.size() != 1 || !Layers.LAYER_NORM.test(readers.get(0).spec())) {
            return null;
        }
        return readers.get(0);
    }
}
