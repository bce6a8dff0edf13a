package dev.lamina.processor.lint;

import dev.lamina.processor.ir.Concat;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.Step;
import dev.lamina.processor.ir.Steps;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where layers sit in a model's tree of block uses, for rules about the structure of blocks rather
 * than the order of layers: the residual units in execution order, the first and last layer of a
 * path, and the layers on shortcuts.
 */
public final class Blocks {
    private Blocks() {}

    /** Every {@code @Residual} use of {@code steps}, nested ones included, in execution order of their additions. */
    public static List<Residual> residuals(List<? extends Step> steps) {
        List<Residual> found = new ArrayList<>();
        collect(steps, found);
        return found;
    }

    /** Every {@code @Residual} use of {@code model}, in execution order of their additions. */
    public static List<Residual> residuals(ModelIR model) {
        return residuals(model.steps());
    }

    private static void collect(List<? extends Step> steps, List<Residual> found) {
        for (Step step : steps) {
            if (step instanceof Residual r) {
                collect(r.body(), found);
                collect(r.shortcut(), found);
                found.add(r);
            } else if (step instanceof Concat c) {
                c.branches().forEach(b -> collect(b.steps(), found));
            } else if (step instanceof Group g) {
                collect(g.steps(), found);
            }
        }
    }

    /**
     * The one layer that reads a path's input, looking into repeated units: empty for no steps, and
     * when the path starts with a residual or concatenation block (whose paths all read it).
     */
    public static Optional<LayerNode> first(List<? extends Step> steps) {
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        Step head = steps.get(0);
        if (head instanceof LayerNode n) {
            return Optional.of(n);
        }
        return head instanceof Group g ? first(g.steps()) : Optional.empty();
    }

    /** The layer whose output is a path's output: its last layer (a junction when it ends in a block). */
    public static Optional<LayerNode> last(List<? extends Step> steps) {
        List<LayerNode> layers = Steps.layers(steps);
        return layers.isEmpty() ? Optional.empty() : Optional.of(layers.get(layers.size() - 1));
    }

    /** The names of every layer on a residual shortcut of {@code model}, nested ones included. */
    public static Set<String> shortcutLayers(ModelIR model) {
        Set<String> names = new HashSet<>();
        for (Residual r : residuals(model)) {
            Steps.layers(r.shortcut()).forEach(n -> names.add(n.name()));
        }
        return names;
    }
}
