package dev.lamina.processor.codegen;

import dev.lamina.processor.ir.Concat;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The section headings of the generated passes: one per block use (a residual, a concatenation, a
 * unit of a repeat), written above the first layer the block runs, so that a pass reads as the
 * declaration's nesting and not as one flat wall of layers.
 */
final class BlockSections {
    private final Map<String, List<String>> headings = new HashMap<>();

    private BlockSections() {}

    /** The headings of the block uses among {@code steps}, at any depth. */
    static BlockSections of(List<Step> steps) {
        BlockSections sections = new BlockSections();
        sections.visit(steps);
        return sections;
    }

    /** The headings to write above {@code layer}, outermost first; empty for most layers. */
    List<String> above(LayerNode layer) {
        return headings.getOrDefault(layer.name(), List.of());
    }

    private void visit(List<Step> steps) {
        for (Step step : steps) {
            if (step instanceof Residual r) {
                head(step, r.name() + ": residual block, " + (r.identityShortcut() ? "x" : r.shortcutBlock() + "(x)")
                        + " + " + r.bodyBlock() + "(x)");
                visit(r.body());
                visit(r.shortcut());
            } else if (step instanceof Concat c) {
                List<String> parts = new ArrayList<>();
                if (c.withInput()) {
                    parts.add("x");
                }
                c.branches().forEach(b -> parts.add(b.block() + "(x)"));
                head(step, c.name() + ": concatenation of " + String.join(", ", parts)
                        + (c.output() != null && c.output().isVector() ? " on the feature axis" : " on the channel axis"));
                c.branches().forEach(b -> visit(b.steps()));
            } else if (step instanceof Group g) {
                head(step, g.name() + ": unit of " + g.block());
                visit(g.steps());
            }
        }
    }

    private void head(Step step, String heading) {
        List<LayerNode> layers = step.layers();
        headings.computeIfAbsent(layers.get(0).name(), k -> new ArrayList<>()).add(heading);
    }
}
