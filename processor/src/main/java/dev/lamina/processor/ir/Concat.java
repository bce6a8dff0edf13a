package dev.lamina.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A use of {@code @Concat(value = {A.class, B.class, ...}, withInput = ...)}: the branches' outputs
 * (after the block's input {@code x} when {@code withInput}) concatenated on the channel axis of
 * images {@code [C, H, W]} or the feature axis of vectors (Szegedy et al. 2015, "Going Deeper with
 * Convolutions", arXiv 1409.4842; Huang et al. 2017, "Densely Connected Convolutional Networks",
 * arXiv 1608.06993).
 *
 * @param concat    the junction; its name is the step's name, its input the block's input {@code x}
 *                  and its output the concatenation's shape
 * @param branches  the branches, in order
 * @param withInput whether {@code x} comes first in the concatenation
 */
public record Concat(LayerNode concat, List<Branch> branches, boolean withInput) implements Step {
    public Concat {
        branches = List.copyOf(branches);
    }

    /**
     * One branch.
     *
     * @param name  the branch's path, {@code <concat>.<block, first letter lower case>} (with
     *              {@code _<i>} when two branches use the same block); its layers are named under it
     * @param block the block's simple name
     * @param steps the branch's steps
     */
    public record Branch(String name, String block, List<Step> steps) {
        public Branch {
            steps = List.copyOf(steps);
        }
    }

    @Override public String name() { return concat.name(); }
    @Override public SourceRef source() { return concat.source(); }
    @Override public Shape input() { return concat.input(); }
    @Override public Shape output() { return concat.output(); }

    /** Each branch's layers in order, then the concatenation. */
    @Override
    public List<LayerNode> layers() {
        List<LayerNode> layers = new ArrayList<>();
        branches.forEach(b -> layers.addAll(Steps.layers(b.steps())));
        layers.add(concat);
        return layers;
    }

    @Override
    public Concat mapSequences(UnaryOperator<List<LayerNode>> rewrite) {
        List<Branch> mapped = new ArrayList<>();
        boolean changed = false;
        for (Branch b : branches) {
            List<Step> steps = Steps.mapSequences(b.steps(), rewrite);
            changed |= steps != b.steps();
            mapped.add(steps == b.steps() ? b : new Branch(b.name(), b.block(), steps));
        }
        return changed ? new Concat(concat, mapped, withInput) : this;
    }
}
