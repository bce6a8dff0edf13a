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

/**
 * A pre-activation network without its final activation. In full pre-activation units (He, Zhang,
 * Ren and Sun 2016, "Identity Mappings in Deep Residual Networks", arXiv 1603.05027, Fig. 4(e)) each
 * residual body starts with BN → ReLU, so nothing normalises or activates a unit's sum until the next
 * unit's body; after the last unit there is no next body, and He et al. "adopt an extra activation
 * right after its element-wise addition" (Appendix) before average pooling and the classifier.
 * Without it, the classifier reads an un-normalised sum whose scale grows with the number of units,
 * and the last body's convolution reaches the classifier through nothing nonlinear. Public Keras
 * implementations of pre-activation ResNet and Wide ResNet were fixed for exactly this
 * (raghakot/keras-resnet#26 and PR #31; titu1994/Wide-Residual-Networks PR #9).
 *
 * <p>A network counts as pre-activation when its last residual unit's body starts with
 * {@code @BatchNorm} followed by an elementwise activation. The rule then expects the last
 * addition to be followed, directly, by {@code @BatchNorm} and an elementwise activation. Matched
 * only when what follows the addition is the head (pooling, global pooling, flatten, dropout, an
 * activation, a batch norm not followed by one, a dense layer, or the end of the model); a conv
 * after the last unit starts another stage and is not matched. Severity: a warning, as the
 * published architecture and the implementations' fixes agree, though He et al. give no ablation
 * number for it.
 */
@Rule(id = "PreActivationWithoutFinalActivation",
        severity = Severity.WARNING,
        summary = "pre-activation network without batch norm and activation after its last addition",
        pattern = "the last `@Residual` unit's body starts with `@BatchNorm` → activation, and its addition is"
                + " not followed by `@BatchNorm` → activation before pooling, flatten or the classifier",
        rationale = "Pre-activation units normalise and activate a sum only in the next unit's body, so after the"
                + " last unit the classifier reads an un-normalised sum with no activation after the last conv; He"
                + " et al. add BN and ReLU there, and public Keras pre-activation ResNet and Wide ResNet code was"
                + " fixed for missing it",
        citation = "He et al. 2016, Identity Mappings in Deep Residual Networks, arXiv 1603.05027, Appendix;"
                + " raghakot/keras-resnet#26; titu1994/Wide-Residual-Networks PR #9",
        fix = "add @BatchNorm and an activation such as @ReLU right after the last residual unit, before the pooling"
                + " and the classifier")
public final class PreActivationWithoutFinalActivation implements LintRule {
    @Override
    public void check(ModelIR model, LintContext context) {
        List<Residual> units = Blocks.residuals(model);
        if (units.isEmpty()) {
            return;
        }
        Dataflow flow = Dataflow.of(model);
        // The unit whose addition runs last.
        Residual last = units.stream()
                .max(Comparator.comparingInt(u -> flow.nodes().indexOf(u.add())))
                .orElseThrow();
        Optional<LayerNode> bn = Blocks.first(last.body());
        if (bn.isEmpty() || !Layers.BATCH_NORM.test(bn.get().spec()) || !Layers.readOnce(flow, bn.get())
                || !Layers.ELEMENTWISE_ACTIVATION.test(flow.successors(bn.get()).get(0).spec())) {
            return;
        }
        LayerNode add = last.add();
        List<LayerNode> next = flow.successors(add);
        if (next.size() > 1) {
            return;
        }
        Optional<LayerNode> after = next.stream().findFirst();
        if (after.isPresent()) {
            LayerNode n = after.get();
            if (n.spec() instanceof LayerSpec.Conv2d || n.spec().isJunction()) {
                return;
            }
            if (Layers.BATCH_NORM.test(n.spec()) && Layers.readOnce(flow, n)
                    && Layers.ELEMENTWISE_ACTIVATION.test(flow.successors(n).get(0).spec())) {
                return;
            }
        }
        LayerNode activation = flow.successors(bn.get()).get(0);
        String start = "its last unit's body " + last.bodyBlock() + " starts with " + context.describe(bn.get())
                + " and " + context.describe(activation);
        String missing = after.map(n -> "the sum of " + context.describe(add) + " goes to " + context.describe(n)
                        + " without " + (Layers.BATCH_NORM.test(n.spec()) ? "an activation after the batch norm"
                                : Layers.ELEMENTWISE_ACTIVATION.test(n.spec()) ? "a batch norm before the activation"
                                : "a batch norm and an activation"))
                .orElse("the model ends with the sum of " + context.describe(add)
                        + ", without a batch norm and an activation");
        Finding f = Finding.on(after.orElse(add), "this is a pre-activation network (" + start + "), but " + missing
                        + ": the classifier reads an un-normalised sum whose scale grows with the number of units,"
                        + " with no activation after the last conv")
                .fix("add @BatchNorm and an activation such as @ReLU right after '" + add.name() + "'"
                        + after.map(n -> ", before '" + n.name() + "'").orElse(""));
        context.report(after.isPresent() ? f.related(add) : f);
    }
}
