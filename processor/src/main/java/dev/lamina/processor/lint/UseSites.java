package dev.lamina.processor.lint;

import dev.lamina.processor.ir.Concat;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.SourceRef;
import dev.lamina.processor.ir.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * For each layer of a model, the block uses it sits in: the {@code @Residual}, {@code @Concat} and
 * {@code @Repeat} declarations that brought its block into the model, outermost first. A layer
 * declared in a {@code @Block} interface has its own source there; these are the methods that use
 * the block, where {@code @SuppressWarnings} also applies to it.
 */
public final class UseSites {
    private final Map<String, List<SourceRef>> byLayer;

    private UseSites(Map<String, List<SourceRef>> byLayer) {
        this.byLayer = byLayer;
    }

    /** The use sites of every layer of {@code model}. */
    public static UseSites of(ModelIR model) {
        Map<String, List<SourceRef>> byLayer = new HashMap<>();
        collect(model.steps(), List.of(), byLayer);
        return new UseSites(byLayer);
    }

    private static void collect(List<? extends Step> steps, List<SourceRef> outer, Map<String, List<SourceRef>> into) {
        for (Step step : steps) {
            if (step instanceof LayerNode n) {
                into.put(n.name(), outer);
            } else if (step instanceof Residual r) {
                List<SourceRef> inner = with(outer, r.source());
                collect(r.body(), inner, into);
                collect(r.shortcut(), inner, into);
                // The junction is declared at the use itself.
                into.put(r.add().name(), outer);
            } else if (step instanceof Concat c) {
                List<SourceRef> inner = with(outer, c.source());
                c.branches().forEach(b -> collect(b.steps(), inner, into));
                into.put(c.concat().name(), outer);
            } else if (step instanceof Group g) {
                collect(g.steps(), with(outer, g.source()), into);
            }
        }
    }

    private static List<SourceRef> with(List<SourceRef> outer, SourceRef use) {
        List<SourceRef> list = new ArrayList<>(outer);
        list.add(use);
        return List.copyOf(list);
    }

    /** The block uses around {@code layer}, outermost first; empty for a layer declared in the model itself. */
    public List<SourceRef> of(LayerNode layer) {
        return byLayer.getOrDefault(layer.name(), List.of());
    }
}
