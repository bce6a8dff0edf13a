package dev.lamina.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A use of {@code @Residual(value = F.class, shortcut = S.class)}: output {@code S(x) + F(x)}, with
 * {@code S} the identity when {@code shortcut} is empty (He et al. 2016, "Deep Residual Learning
 * for Image Recognition", arXiv 1512.03385).
 *
 * @param add           the junction that adds the two paths; its name is the step's name, its
 *                      input the block's input {@code x} and its output the sum's shape
 * @param body          F's steps, named {@code <name>.<layer>}
 * @param bodyBlock     F's simple name, for summaries and comments
 * @param shortcut      S's steps, named {@code <name>.shortcut.<layer>}; empty for the identity
 * @param shortcutBlock S's simple name, or empty for the identity
 */
public record Residual(LayerNode add, List<Step> body, String bodyBlock, List<Step> shortcut, String shortcutBlock)
        implements Step {
    public Residual {
        body = List.copyOf(body);
        shortcut = List.copyOf(shortcut);
    }

    @Override public String name() { return add.name(); }
    @Override public SourceRef source() { return add.source(); }
    @Override public Shape input() { return add.input(); }
    @Override public Shape output() { return add.output(); }

    /** Whether the shortcut is the identity. */
    public boolean identityShortcut() {
        return shortcut.isEmpty();
    }

    /** Body layers, then shortcut layers, then the addition. */
    @Override
    public List<LayerNode> layers() {
        List<LayerNode> layers = new ArrayList<>(Steps.layers(body));
        layers.addAll(Steps.layers(shortcut));
        layers.add(add);
        return layers;
    }

    @Override
    public Residual mapSequences(UnaryOperator<List<LayerNode>> rewrite) {
        List<Step> b = Steps.mapSequences(body, rewrite);
        List<Step> s = Steps.mapSequences(shortcut, rewrite);
        return b == body && s == shortcut ? this : new Residual(add, b, bodyBlock, s, shortcutBlock);
    }
}
