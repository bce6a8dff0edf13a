package dev.lamina.processor.ir;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One unit of a {@code @Repeat(value = U.class, times = n)}: a named run of block {@code U}'s steps,
 * each copy with its own parameters. A {@code @Repeat} is read as {@code n} groups in a row, named
 * {@code <repeat>[0]} to {@code <repeat>[n-1]}; the layers of group {@code i} are named
 * {@code <repeat>[i].<layer>}.
 *
 * @param name   the unit's path, e.g. {@code stage1[2]}
 * @param block  U's simple name
 * @param steps  U's steps, named under {@code name}
 * @param source the {@code @Repeat} that declared it
 */
public record Group(String name, String block, List<Step> steps, SourceRef source) implements Step {
    public Group {
        steps = List.copyOf(steps);
    }

    /** The name of the {@code @Repeat} use this unit belongs to: {@code stage1} for {@code stage1[2]}. */
    public String repeat() {
        return name.substring(0, name.lastIndexOf('['));
    }

    @Override public Shape input() { return steps.isEmpty() ? null : steps.get(0).input(); }
    @Override public Shape output() { return steps.isEmpty() ? null : steps.get(steps.size() - 1).output(); }
    @Override public List<LayerNode> layers() { return Steps.layers(steps); }

    @Override
    public Group mapSequences(UnaryOperator<List<LayerNode>> rewrite) {
        List<Step> mapped = Steps.mapSequences(steps, rewrite);
        return mapped == steps ? this : new Group(name, block, mapped, source);
    }
}
