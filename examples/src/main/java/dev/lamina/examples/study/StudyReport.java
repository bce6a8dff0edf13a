package dev.lamina.examples.study;

import dev.lamina.examples.study.StudyResults.OrderingSummary;
import dev.lamina.examples.study.StudyResults.ShiftSummary;
import dev.lamina.runtime.io.AtomicFiles;
import dev.lamina.runtime.model.LintFinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Writes a study's results: {@value #MARKDOWN} (the table beside the seed thread's numbers, the rank
 * correlation between the two, and what the lint flagged), {@value #SUMMARY_CSV} (one row per
 * ordering), {@value #CELLS_CSV} (one row per ordering and seed) and the two charts of
 * {@link StudyCharts}.
 */
public final class StudyReport {
    public static final String MARKDOWN = "study.md";
    public static final String SUMMARY_CSV = "study.csv";
    public static final String CELLS_CSV = "cells.csv";

    /** The BatchNorm momentum of every ordering (the DSL's default, PyTorch's convention). */
    static final double BATCH_NORM_MOMENTUM = 0.1;

    private StudyReport() {}

    /**
     * Writes every output into {@code outDir}, each file replaced atomically.
     *
     * @param command the command line that produced the results, quoted in the report
     * @return the files written
     */
    public static List<Path> write(StudyResults results, Path outDir, String command) throws IOException {
        Files.createDirectories(outDir);
        List<Path> written = new ArrayList<>();
        written.add(writeAtomically(outDir.resolve(MARKDOWN), markdown(results, command)));
        written.add(writeAtomically(outDir.resolve(SUMMARY_CSV), summaryCsv(results)));
        written.add(writeAtomically(outDir.resolve(CELLS_CSV), cellsCsv(results)));
        written.addAll(StudyCharts.write(results, outDir));
        return written;
    }

    private static Path writeAtomically(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
        return file;
    }

    // ---- Markdown ----

    static String markdown(StudyResults results, String command) {
        StudyConfig c = results.config();
        List<OrderingSummary> summaries = results.summaries();
        List<String> bnLayers = results.batchNormLayers();
        StringBuilder md = new StringBuilder();
        md.append("# Seed study: the order of Conv, BatchNorm, activation, Dropout and pooling on MNIST\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append(String.format(Locale.ROOT, "Each ordering's network (two conv modules of 32 and 64 3x3 filters in the"
                        + " given order, dropout 0.2 and 0.3, 2x2 max pooling; then Flatten, Dense 512, ELU, Dense 10)"
                        + " was trained for %d epoch(s) on the first %,d MNIST training images with Adam (lr %s, batch"
                        + " %d, softmax cross-entropy) and evaluated on the first %,d test images, with %d seed(s)"
                        + " (%s). Mean ± sample standard deviation over seeds. The seed thread's column is its single"
                        + " Keras run (20 epochs on all 60,000 images), so only its ranking is comparable.%n%n",
                c.epochs(), c.trainSize(), c.learningRate(), c.batchSize(), c.testSize(), c.seeds(),
                seedList(c)));

        md.append("| Ordering | Lint findings | Seed thread's test loss (1 run) | Test loss | Test accuracy (%) |");
        for (String layer : bnLayers) {
            md.append(" ").append(layer).append(" variance ratio |");
        }
        md.append("\n|---|---|---:|---:|---:|");
        md.append("---:|".repeat(bnLayers.size()));
        md.append('\n');
        for (OrderingSummary s : summaries) {
            md.append("| ").append(s.ordering().label())
                    .append(" | ").append(lintCell(s.lint()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.4f", s.ordering().seedTestLoss()))
                    .append(" | ").append(meanSd(s.testLoss(), 1, 4))
                    .append(" | ").append(meanSd(s.testAccuracy(), 100, 2))
                    .append(" |");
            for (String layer : bnLayers) {
                md.append(' ').append(s.shift(layer).map(StudyReport::shiftCell).orElse("")).append(" |");
            }
            md.append('\n');
        }
        md.append("\nVariance ratio: per channel, the variance of the BatchNorm layer's input at inference (dropout off)"
                + " over the test images, divided by the running variance the layer normalises with; the mean over"
                + " channels (± sd over seeds), and in brackets the largest and smallest channel ratio of any seed."
                + " Li et al. 2018 (arXiv 1801.05134) predict a ratio below 1 when dropout precedes the layer.\n\n");

        md.append("## What the numbers say\n\n");
        for (String line : findings(results, summaries, bnLayers)) {
            md.append("- ").append(line).append('\n');
        }
        md.append("\n![Test loss per ordering](test-loss.png)\n\n![Variance ratio per BatchNorm layer](variance-shift.png)\n");

        md.append("\n## Lint findings per ordering\n\n");
        for (OrderingSummary s : summaries) {
            md.append("- **").append(s.ordering().label()).append("** (`").append(s.ordering().interfaceName())
                    .append("`): ");
            if (s.lint().isEmpty()) {
                md.append("none\n");
                continue;
            }
            md.append('\n');
            for (LintFinding f : s.lint()) {
                md.append("  - ").append(f.severity().toLowerCase(Locale.ROOT)).append(" on `").append(f.layer())
                        .append("`: ").append(f.message().replace("|", "\\|")).append('\n');
            }
        }
        return md.toString();
    }

    private static String seedList(StudyConfig c) {
        return c.seeds() == 1 ? "seed " + c.firstSeed() : "seeds " + c.firstSeed() + " to " + c.seed(c.seeds() - 1);
    }

    /** The factual sentences under the table; each states its uncertainty. */
    private static List<String> findings(StudyResults results, List<OrderingSummary> summaries, List<String> bnLayers) {
        List<String> lines = new ArrayList<>();
        StudyConfig c = results.config();
        long steps = (long) c.epochs() * ((c.trainSize() + c.batchSize() - 1) / c.batchSize());
        double residual = Math.pow(1 - BATCH_NORM_MOMENTUM, steps);
        if (residual > 1e-4) {
            lines.add(String.format(Locale.ROOT, "Caution: %d training steps leave %.1e of the running variance's"
                    + " initial value 1 in it (momentum %.1f), while the first conv output's variance starts near"
                    + " 0.003; the variance ratios (and the inference losses) of this run are biased low for every"
                    + " ordering. Train for more steps.", steps, residual, BATCH_NORM_MOMENTUM));
        }
        Optional<Stats.Correlation> rho = results.rankCorrelationWithSeed();
        if (rho.isPresent()) {
            Stats.Correlation r = rho.get();
            lines.add(String.format(Locale.ROOT, "Rank correlation (Spearman) between the seed thread's test losses and"
                            + " the mean test losses here: rho = %.2f over %d orderings, %s permutation p = %s. %s",
                    r.rho(), r.n(), r.exact() ? "exact" : "sampled", p(r.p()),
                    r.p() < 0.05 ? "The two rankings agree more than chance would."
                            : "The seed thread's ranking is not reproduced beyond chance."));
        } else {
            lines.add("Rank correlation with the seed thread: needs at least 3 orderings.");
        }
        if (summaries.get(0).testLoss().n() >= 2) {
            OrderingSummary best = summaries.stream().min(Comparator.comparingDouble(s -> s.testLoss().mean())).get();
            long overlapping = summaries.stream()
                    .filter(s -> s != best)
                    .filter(s -> s.testLoss().mean() - s.testLoss().sd() <= best.testLoss().mean() + best.testLoss().sd())
                    .count();
            lines.add(String.format(Locale.ROOT, "Lowest mean test loss: %s (%s); the mean ± sd intervals of %d of the"
                            + " other %d orderings overlap its interval.", best.ordering().label(),
                    meanSd(best.testLoss(), 1, 4), overlapping, summaries.size() - 1));
        } else {
            lines.add("One seed per ordering: no error bars, so no ordering can be told apart from seed noise.");
        }
        String flagged = summaries.stream().filter(OrderingSummary::dropoutBeforeBatchNorm)
                .map(s -> s.ordering().label()).collect(Collectors.joining(", "));
        if (!flagged.isEmpty()) {
            lines.add("The lint flags " + StudyResults.DROPOUT_BEFORE_BN + " on " + flagged + ".");
        }
        results.flaggedVersusOthers(s -> s.testLoss().mean()).ifPresent(d -> lines.add(String.format(Locale.ROOT,
                "Test loss, flagged orderings minus the others (each ordering's mean over seeds counted once): %.4f -"
                        + " %.4f = %+.4f; permutation p = %s over the %d ways to split the orderings into groups of"
                        + " these sizes. %s", d.meanA(), d.meanB(), d.difference(), p(d.p()), d.splits(),
                d.p() < 0.05 ? "The difference is larger than the spread between orderings would give by chance."
                        : "This difference is within what the spread between orderings gives by chance.")));
        for (String layer : bnLayers) {
            results.flaggedVersusOthers(s -> s.shift(layer).map(x -> x.mean().mean()).orElse(Double.NaN))
                    .ifPresent(d -> lines.add(String.format(Locale.ROOT, "Variance ratio of %s, flagged orderings vs"
                                    + " the others: %.3f vs %.3f (permutation p = %s).", layer, d.meanA(), d.meanB(),
                            p(d.p()))));
        }
        return lines;
    }

    private static String p(double p) {
        return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String lintCell(List<LintFinding> findings) {
        if (findings.isEmpty()) {
            return "none";
        }
        Map<String, Long> warnings = new LinkedHashMap<>();
        Map<String, Long> notes = new LinkedHashMap<>();
        for (LintFinding f : findings) {
            (f.severity().equals("NOTE") ? notes : warnings).merge(f.ruleId(), 1L, Long::sum);
        }
        List<String> parts = new ArrayList<>();
        warnings.forEach((id, n) -> parts.add("**" + id + "**" + (n > 1 ? " ×" + n : "")));
        notes.forEach((id, n) -> parts.add(id + (n > 1 ? " ×" + n : "") + " (note)"));
        return String.join(", ", parts);
    }

    private static String meanSd(Stats.Summary s, double scale, int digits) {
        String format = "%." + digits + "f";
        String mean = String.format(Locale.ROOT, format, s.mean() * scale);
        return Double.isNaN(s.sd()) ? mean : mean + " ± " + String.format(Locale.ROOT, format, s.sd() * scale);
    }

    private static String shiftCell(ShiftSummary s) {
        return meanSd(s.mean(), 1, 3) + String.format(Locale.ROOT, " [%.2f, %.2f]", s.min(), s.max());
    }

    // ---- CSV ----

    static String summaryCsv(StudyResults results) {
        StudyConfig c = results.config();
        List<String> bnLayers = results.batchNormLayers();
        StringBuilder csv = new StringBuilder("ordering,interface,lint_rules,dropout_before_batchnorm,seeds,epochs,"
                + "train_size,test_size,seed_thread_test_loss,test_loss_mean,test_loss_sd,test_accuracy_mean,"
                + "test_accuracy_sd");
        for (String layer : bnLayers) {
            csv.append(',').append(layer).append("_ratio_mean,").append(layer).append("_ratio_sd,").append(layer)
                    .append("_ratio_min,").append(layer).append("_ratio_max");
        }
        csv.append('\n');
        for (OrderingSummary s : results.summaries()) {
            csv.append(s.ordering().label()).append(',').append(s.ordering().interfaceName()).append(',')
                    .append(String.join(";", s.ruleIds())).append(',').append(s.dropoutBeforeBatchNorm()).append(',')
                    .append(s.testLoss().n()).append(',').append(c.epochs()).append(',').append(c.trainSize())
                    .append(',').append(c.testSize()).append(',').append(number(s.ordering().seedTestLoss()))
                    .append(',').append(number(s.testLoss().mean())).append(',').append(number(s.testLoss().sd()))
                    .append(',').append(number(s.testAccuracy().mean())).append(',')
                    .append(number(s.testAccuracy().sd()));
            for (String layer : bnLayers) {
                Optional<ShiftSummary> shift = s.shift(layer);
                csv.append(',').append(shift.map(x -> number(x.mean().mean())).orElse(""))
                        .append(',').append(shift.map(x -> number(x.mean().sd())).orElse(""))
                        .append(',').append(shift.map(x -> number(x.min())).orElse(""))
                        .append(',').append(shift.map(x -> number(x.max())).orElse(""));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    static String cellsCsv(StudyResults results) {
        List<String> bnLayers = results.batchNormLayers();
        StringBuilder csv = new StringBuilder("ordering,seed,test_loss,test_accuracy,train_loss,seconds");
        for (String layer : bnLayers) {
            csv.append(',').append(layer).append("_ratio_mean,").append(layer).append("_ratio_min,").append(layer)
                    .append("_ratio_max");
        }
        csv.append('\n');
        for (CellResult cell : results.cells()) {
            csv.append(cell.ordering().label()).append(',').append(cell.seed()).append(',')
                    .append(number(cell.testLoss())).append(',').append(number(cell.testAccuracy())).append(',')
                    .append(number(cell.trainLoss())).append(',')
                    .append(String.format(Locale.ROOT, "%.1f", cell.seconds()));
            for (String layer : bnLayers) {
                Optional<CellResult.Shift> shift = cell.shift(layer);
                csv.append(',').append(shift.map(x -> number(x.mean())).orElse(""))
                        .append(',').append(shift.map(x -> number(x.min())).orElse(""))
                        .append(',').append(shift.map(x -> number(x.max())).orElse(""));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** Six decimals; empty for NaN (a standard deviation of one seed, an unknown training loss). */
    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }
}
