package dev.lamina.processor.read;

import dev.lamina.processor.ir.Concat;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands members into the model's steps, each block use into a new copy of its blocks' members
 * named under it (the names that summaries, checkpoints and the generated class use):
 * <ul>
 *   <li>{@code @Residual} method {@code r}: body layers {@code r.<m>}, shortcut layers
 *       {@code r.shortcut.<m>}, the addition {@code r};
 *   <li>{@code @Concat} method {@code c}: branch {@code c.<block>} (the block's simple name with a
 *       lower-case first letter; {@code _<i>} appended, {@code i} its index, when several branches
 *       have blocks of that name), its layers {@code c.<block>.<m>}, the concatenation {@code c};
 *   <li>{@code @Repeat} method {@code s}, {@code times = n}: units {@code s[0]} to {@code s[n-1]},
 *       layers {@code s[i].<m>}.
 * </ul>
 * Names compose when uses nest: {@code stage1[2].res.conv1}.
 */
final class BlockExpander {
    private final BlockCatalog blocks;

    BlockExpander(BlockCatalog blocks) {
        this.blocks = blocks;
    }

    /** The steps of {@code members}, each named {@code prefix + <its name>}; junctions and layers without shapes. */
    List<Step> expand(List<Member> members, String prefix) {
        List<Step> steps = new ArrayList<>();
        for (Member member : members) {
            if (member instanceof Member.Layer layer) {
                LayerNode node = layer.node();
                steps.add(new LayerNode(prefix + node.name(), node.spec(), null, null, node.source(), List.of()));
            } else {
                BlockUse use = (BlockUse) member;
                String name = prefix + use.method();
                switch (use.kind()) {
                    case RESIDUAL -> steps.add(residual(use, name));
                    case CONCAT -> steps.add(concat(use, name));
                    case REPEAT -> steps.addAll(repeat(use, name));
                    default -> throw new IllegalStateException(use.kind().toString());
                }
            }
        }
        return steps;
    }

    private Residual residual(BlockUse use, String name) {
        BlockCatalog.Definition body = blocks.definition(use.body().type());
        BlockCatalog.Definition shortcut = use.shortcut() == null ? null : blocks.definition(use.shortcut().type());
        LayerNode add = new LayerNode(name, new LayerSpec.Add(), null, null, use.source(), List.of());
        return new Residual(add, expand(body.members(), name + "."), body.name(),
                shortcut == null ? List.of() : expand(shortcut.members(), name + ".shortcut."),
                shortcut == null ? "" : shortcut.name());
    }

    private Concat concat(BlockUse use, String name) {
        Map<String, Integer> blocksNamed = new HashMap<>();
        use.blocks().forEach(ref -> blocksNamed.merge(ref.type().getSimpleName().toString(), 1, Integer::sum));
        List<Concat.Branch> branches = new ArrayList<>();
        for (int i = 0; i < use.blocks().size(); i++) {
            BlockCatalog.Definition block = blocks.definition(use.blocks().get(i).type());
            String branch = name + "." + lowerFirst(block.name()) + (blocksNamed.get(block.name()) > 1 ? "_" + i : "");
            branches.add(new Concat.Branch(branch, block.name(), expand(block.members(), branch + ".")));
        }
        LayerNode concat = new LayerNode(name, new LayerSpec.Concat(List.of()), null, null, use.source(), List.of());
        return new Concat(concat, branches, use.withInput());
    }

    private List<Group> repeat(BlockUse use, String name) {
        BlockCatalog.Definition unit = blocks.definition(use.blocks().get(0).type());
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < use.times(); i++) {
            String group = name + "[" + i + "]";
            groups.add(new Group(group, unit.name(), expand(unit.members(), group + "."), use.source()));
        }
        return groups;
    }

    private static String lowerFirst(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
