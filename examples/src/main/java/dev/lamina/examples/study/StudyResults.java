package dev.lamina.examples.study;

import dev.lamina.runtime.model.LintFinding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every finished cell of a study and the lint findings of each ordering, with the per-ordering
 * summaries and comparisons that the report shows.
 *
 * @param config the study's settings
 * @param cells  one per (ordering, seed), orderings in config order, seeds ascending
 * @param lint   the lint findings of each ordering's generated class
 */
public record StudyResults(StudyConfig config, List<CellResult> cells, Map<Ordering, List<LintFinding>> lint) {
    /** The lint rule whose claim the study measures. */
    public static final String DROPOUT_BEFORE_BN = "DropoutBeforeBatchNorm";

    public StudyResults {
        cells = List.copyOf(cells);
        lint = Map.copyOf(lint);
    }

    /**
     * One ordering's results over its seeds.
     *
     * @param ordering     the ordering
     * @param lint         what the lint reported on its declaration
     * @param testLoss     over seeds
     * @param testAccuracy over seeds, as a fraction
     * @param shifts       per BatchNorm layer, in forward order
     */
    public record OrderingSummary(Ordering ordering, List<LintFinding> lint, Stats.Summary testLoss,
            Stats.Summary testAccuracy, List<ShiftSummary> shifts) {
        /** Distinct rule IDs in reporting order. */
        public List<String> ruleIds() {
            Set<String> ids = new LinkedHashSet<>();
            lint.forEach(f -> ids.add(f.ruleId()));
            return List.copyOf(ids);
        }

        /** Whether the lint flagged dropout before batch norm on this ordering. */
        public boolean dropoutBeforeBatchNorm() {
            return ruleIds().contains(DROPOUT_BEFORE_BN);
        }

        /** How many findings of {@code ruleId} the lint reported. */
        public long count(String ruleId) {
            return lint.stream().filter(f -> f.ruleId().equals(ruleId)).count();
        }

        public Optional<ShiftSummary> shift(String layer) {
            return shifts.stream().filter(s -> s.layer().equals(layer)).findFirst();
        }
    }

    /**
     * One BatchNorm layer's variance ratio over seeds.
     *
     * @param mean over seeds, of the mean over channels
     * @param max  the largest ratio of any channel in any seed
     * @param min  the smallest ratio of any channel in any seed
     */
    public record ShiftSummary(String layer, Stats.Summary mean, double max, double min) {}

    /** The cells of one ordering, seeds ascending. */
    public List<CellResult> cells(Ordering ordering) {
        return cells.stream().filter(c -> c.ordering() == ordering).toList();
    }

    /** One summary per ordering, in config order. */
    public List<OrderingSummary> summaries() {
        List<OrderingSummary> summaries = new ArrayList<>();
        for (Ordering o : config.orderings()) {
            List<CellResult> mine = cells(o);
            List<ShiftSummary> shifts = new ArrayList<>();
            for (String layer : batchNormLayers(mine)) {
                List<CellResult.Shift> perSeed = mine.stream().flatMap(c -> c.shift(layer).stream()).toList();
                shifts.add(new ShiftSummary(layer,
                        Stats.Summary.of(perSeed.stream().mapToDouble(CellResult.Shift::mean).toArray()),
                        perSeed.stream().mapToDouble(CellResult.Shift::max).max().orElse(Double.NaN),
                        perSeed.stream().mapToDouble(CellResult.Shift::min).min().orElse(Double.NaN)));
            }
            summaries.add(new OrderingSummary(o, lint.getOrDefault(o, List.of()),
                    Stats.Summary.of(mine.stream().mapToDouble(CellResult::testLoss).toArray()),
                    Stats.Summary.of(mine.stream().mapToDouble(CellResult::testAccuracy).toArray()), shifts));
        }
        return summaries;
    }

    /** The BatchNorm layer names of any ordering, in first-seen order (bn1, bn2 in the seed study). */
    public List<String> batchNormLayers() {
        return batchNormLayers(cells);
    }

    private static List<String> batchNormLayers(List<CellResult> cells) {
        Set<String> layers = new LinkedHashSet<>();
        cells.forEach(c -> c.shifts().forEach(s -> layers.add(s.layer())));
        return List.copyOf(layers);
    }

    /**
     * Spearman's correlation between the seed thread's test losses and the mean test losses here,
     * over the orderings; empty with fewer than 3 orderings.
     */
    public Optional<Stats.Correlation> rankCorrelationWithSeed() {
        List<OrderingSummary> s = summaries();
        if (s.size() < 3) {
            return Optional.empty();
        }
        return Optional.of(Stats.spearman(s.stream().mapToDouble(o -> o.ordering().seedTestLoss()).toArray(),
                s.stream().mapToDouble(o -> o.testLoss().mean()).toArray()));
    }

    /**
     * Mean test loss of the orderings the lint flags for dropout before batch norm minus that of the
     * others, each ordering counted once (its mean over seeds); empty unless both groups are present.
     */
    public Optional<Stats.GroupDifference> flaggedVersusOthers(java.util.function.ToDoubleFunction<OrderingSummary> metric) {
        List<OrderingSummary> s = summaries();
        double[] flagged = s.stream().filter(OrderingSummary::dropoutBeforeBatchNorm).mapToDouble(metric).toArray();
        double[] others = s.stream().filter(o -> !o.dropoutBeforeBatchNorm()).mapToDouble(metric).toArray();
        if (flagged.length == 0 || others.length == 0 || Arrays.stream(flagged).anyMatch(Double::isNaN)
                || Arrays.stream(others).anyMatch(Double::isNaN)) {
            return Optional.empty();
        }
        return Optional.of(Stats.groupDifference(flagged, others));
    }
}
