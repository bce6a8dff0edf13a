package dev.lamina.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Operations on an ordered run of {@link Step}s: a model's, a block branch's or a repeated unit's. */
public final class Steps {
    private Steps() {}

    /** Every layer node of {@code steps}, junctions included, in execution order. */
    public static List<LayerNode> layers(List<? extends Step> steps) {
        List<LayerNode> layers = new ArrayList<>();
        steps.forEach(s -> layers.addAll(s.layers()));
        return layers;
    }

    /**
     * {@code steps} with {@code rewrite} applied to each maximal run of consecutive layer nodes, and
     * inside each block; {@code steps} itself (the same instance) when nothing changed. A block step
     * ends a run: a rewrite never sees layers on both sides of an addition or concatenation.
     */
    public static List<Step> mapSequences(List<Step> steps, UnaryOperator<List<LayerNode>> rewrite) {
        List<Step> result = new ArrayList<>();
        List<LayerNode> run = new ArrayList<>();
        boolean changed = false;
        for (Step step : steps) {
            if (step instanceof LayerNode node) {
                run.add(node);
                continue;
            }
            changed |= flush(run, rewrite, result);
            Step mapped = step.mapSequences(rewrite);
            changed |= mapped != step;
            result.add(mapped);
        }
        changed |= flush(run, rewrite, result);
        return changed ? List.copyOf(result) : steps;
    }

    private static boolean flush(List<LayerNode> run, UnaryOperator<List<LayerNode>> rewrite, List<Step> into) {
        if (run.isEmpty()) {
            return false;
        }
        List<LayerNode> before = List.copyOf(run);
        List<LayerNode> after = rewrite.apply(before);
        into.addAll(after);
        run.clear();
        return after != before;
    }

    /** The output shape of {@code steps} on input {@code in}: the last step's output, or {@code in} for no steps. */
    public static Shape output(List<? extends Step> steps, Shape in) {
        return steps.isEmpty() ? in : steps.get(steps.size() - 1).output();
    }
}
