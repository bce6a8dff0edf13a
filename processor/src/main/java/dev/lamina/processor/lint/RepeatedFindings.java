package dev.lamina.processor.lint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the findings of one rule that land on the same declaration. A layer declared once in a
 * {@code @Block} appears in the model once per use of the block (three times in
 * {@code @Repeat(times = 3)}), and a rule usually matches each copy alike; javac would print the
 * same line three times. The findings on the first use are kept, in the order the rule reported them,
 * and say how many uses they stand for. Findings without a source element (hand-built IR) are never
 * merged.
 */
public final class RepeatedFindings {
    private RepeatedFindings() {}

    /**
     * One finding per declaration position.
     *
     * @param finding a finding on the first use of the declaration, with the count added to its text
     *                when {@code uses > 1}
     * @param uses    how many uses of the declaration it stands for
     */
    public record Merged(Finding finding, int uses) {}

    /** {@code findings} of one rule, merged per source element (a layer method) and annotation member. */
    public static List<Merged> merge(List<Finding> findings) {
        Map<Object, List<Finding>> groups = new LinkedHashMap<>();
        for (Finding f : findings) {
            Object key = f.at().source().element() == null
                    ? new Object()
                    : List.of(f.at().source().element(), f.member() == null ? "" : f.member());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        List<Merged> merged = new ArrayList<>();
        for (List<Finding> group : groups.values()) {
            // One layer name per use of the declaration; the findings on the first use are kept (a rule may
            // report one layer twice, e.g. reached from two layers).
            List<String> uses = group.stream().map(f -> f.at().name()).distinct().toList();
            for (Finding f : group) {
                if (f.at().name().equals(uses.get(0))) {
                    merged.add(new Merged(uses.size() == 1 ? f : counted(f, uses.size()), uses.size()));
                }
            }
        }
        return merged;
    }

    private static Finding counted(Finding first, int uses) {
        return new Finding(first.at(), first.member(), first.why() + " (the same at " + uses
                + " uses of this declaration; the first, '" + first.at().name() + "', is shown)",
                first.fix(), first.related(), first.cap());
    }
}
