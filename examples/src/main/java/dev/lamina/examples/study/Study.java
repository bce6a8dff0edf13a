package dev.lamina.examples.study;

import dev.lamina.runtime.analysis.BatchNormShift;
import dev.lamina.runtime.analysis.VarianceShift;
import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.Batches;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.data.Mnist;
import dev.lamina.runtime.model.LintFinding;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs the seed study: every (ordering, seed) cell of a {@link StudyConfig} is trained on the MNIST
 * training subset with Adam and softmax cross-entropy, evaluated on the test subset in inference mode,
 * and measured with {@link VarianceShift}. Finished cells are kept in a {@link CellStore} and skipped
 * when the study runs again, and the cell in progress checkpoints every {@value #CHECKPOINT_EVERY}
 * steps and at each epoch's end, so an interrupted study loses at most a few minutes of training.
 */
public final class Study {
    /** Optimizer steps between checkpoints of the cell in training. */
    static final int CHECKPOINT_EVERY = 100;
    /** Test images the trainer evaluates after each epoch, for its progress line. */
    static final int MONITOR_SIZE = 1000;

    private final StudyConfig config;
    private final CellStore store;
    private final PrintStream out;
    private final boolean rewriteProgress;

    /**
     * @param config          what to train
     * @param outDir          where the cells (and later the report) go
     * @param out             progress and per-epoch lines
     * @param rewriteProgress whether the trainer rewrites its progress line in place (a console)
     */
    public Study(StudyConfig config, Path outDir, PrintStream out, boolean rewriteProgress) {
        this.config = config;
        this.store = new CellStore(outDir, config);
        this.out = out;
        this.rewriteProgress = rewriteProgress;
    }

    /** The lint findings of each ordering, read from its generated class (no training needed). */
    public static Map<Ordering, List<LintFinding>> lintFindings(List<Ordering> orderings) {
        Map<Ordering, List<LintFinding>> findings = new LinkedHashMap<>();
        for (Ordering o : orderings) {
            findings.put(o, o.create(0).lintFindings());
        }
        return findings;
    }

    /**
     * Trains every cell not finished yet and returns all of them.
     *
     * @throws IllegalArgumentException if MNIST has fewer images than the configured subsets
     * @throws IllegalStateException    if the output directory holds cells of other settings
     * @throws IOException              if a cell cannot be written
     */
    public StudyResults run(Mnist mnist) throws IOException {
        Dataset train = subset(mnist.train(), config.trainSize(), "training");
        Dataset test = subset(mnist.test(), config.testSize(), "test");
        // The trainer's per-epoch line evaluates a slice; the cell's result is one pass over all of test.
        Dataset monitor = test.slice(0, Math.min(test.size(), MONITOR_SIZE));
        record Cell(Ordering ordering, long seed) {}
        List<Cell> cells = new ArrayList<>();
        for (Ordering o : config.orderings()) {
            for (int k = 0; k < config.seeds(); k++) {
                cells.add(new Cell(o, config.seed(k)));
            }
        }
        Map<Cell, CellResult> done = new LinkedHashMap<>();
        for (Cell c : cells) {
            store.read(c.ordering(), c.seed()).ifPresent(r -> done.put(c, r));
        }
        out.printf(Locale.ROOT, "Seed study: %d orderings x %d seed(s) = %d cells; %d epoch(s) on %,d training images,"
                        + " tested on %,d; Adam lr %s, batch %d%n", config.orderings().size(), config.seeds(),
                cells.size(), config.epochs(), train.size(), test.size(), config.learningRate(), config.batchSize());
        out.printf(Locale.ROOT, "(The per-epoch test figures are on the first %,d test images; each cell's result"
                + " on all %,d.)%n", monitor.size(), test.size());
        if (!done.isEmpty()) {
            out.printf(Locale.ROOT, "%d of %d cells already finished in %s; training the other %d%n", done.size(),
                    cells.size(), store.dir(), cells.size() - done.size());
        }
        long start = System.nanoTime();
        int trainedHere = 0;
        int remaining = cells.size() - done.size();
        for (Cell c : cells) {
            if (done.containsKey(c)) {
                continue;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            out.println(progressBar(done.size(), cells.size(), c.ordering().label() + " seed " + c.seed(), elapsed,
                    trainedHere == 0 ? Double.NaN : elapsed / trainedHere * remaining));
            out.flush();
            CellResult result = train(c.ordering(), c.seed(), train, test, monitor);
            store.write(result);
            Files.deleteIfExists(store.checkpoint(c.ordering(), c.seed()));
            done.put(c, result);
            trainedHere++;
            remaining--;
            out.printf(Locale.ROOT, "  %s seed %d: test loss %.4f, accuracy %.2f%%, %s; %.0f s%n", c.ordering().label(),
                    c.seed(), result.testLoss(), 100 * result.testAccuracy(), shiftLine(result), result.seconds());
        }
        out.println(progressBar(cells.size(), cells.size(), "done", (System.nanoTime() - start) / 1e9, 0));
        List<CellResult> results = cells.stream().map(done::get).toList();
        return new StudyResults(config, results, lintFindings(config.orderings()));
    }

    /** Trains, evaluates and measures one cell, resuming from its checkpoint when there is one. */
    private CellResult train(Ordering ordering, long seed, Dataset train, Dataset test, Dataset monitor) {
        long start = System.nanoTime();
        Model model = ordering.create(seed);
        Path checkpoint = store.checkpoint(ordering, seed);
        Trainer.Builder trainer = Trainer.builder(model, Adam.builder().lr(config.learningRate()).build())
                .epochs(config.epochs())
                .batchSize(config.batchSize())
                .evalBatchSize(StudyConfig.EVAL_BATCH_SIZE)
                .seed(seed)
                .out(out)
                .rewriteProgress(rewriteProgress)
                .checkpoint(checkpoint, CHECKPOINT_EVERY);
        if (Files.exists(checkpoint)) {
            trainer.resumeFrom(checkpoint);
        }
        List<EpochMetrics> epochs = trainer.build().fit(train, monitor);
        double trainLoss = epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).trainLoss();
        Measured measured = evaluateAndMeasure(model, test);
        return new CellResult(ordering, seed, measured.loss(), measured.accuracy(), trainLoss,
                (System.nanoTime() - start) / 1e9, measured.shifts());
    }

    /** Test loss, accuracy and variance shifts of a trained model. */
    record Measured(double loss, double accuracy, List<CellResult.Shift> shifts) {}

    /**
     * One inference pass over {@code test} that gives both the evaluation (as {@code Evaluator} computes
     * it: mean loss per example, arg-max accuracy) and every BatchNorm layer's variance shift.
     */
    static Measured evaluateAndMeasure(Model model, Dataset test) {
        VarianceShift.Meter meter = VarianceShift.meter(model);
        LossFunction loss = LossFunction.of(model.loss());
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        for (Batch batch : Batches.inOrder(test, StudyConfig.EVAL_BATCH_SIZE)) {
            INDArray output = meter.forward(batch.features());
            lossSum += loss.loss(output, batch.labels()) * batch.size();
            long[] predicted = output.argMax(1).toLongVector();
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == test.classOf(seen + i)) {
                    correct++;
                }
            }
            seen += batch.size();
        }
        List<CellResult.Shift> shifts = new ArrayList<>();
        for (BatchNormShift shift : meter.shifts()) {
            shifts.add(CellResult.Shift.of(shift));
        }
        return new Measured(lossSum / seen, (double) correct / seen, shifts);
    }

    private static Dataset subset(Dataset data, int size, String what) {
        if (size > data.size()) {
            throw new IllegalArgumentException("asked for " + size + " " + what + " images but MNIST has "
                    + data.size());
        }
        return size == data.size() ? data : data.slice(0, size);
    }

    private static String shiftLine(CellResult result) {
        List<String> parts = new ArrayList<>();
        for (CellResult.Shift s : result.shifts()) {
            parts.add(String.format(Locale.ROOT, "%s var ratio %.3f (max %.3f)", s.layer(), s.mean(), s.max()));
        }
        return String.join(", ", parts);
    }

    /** {@code [=======>      ]  7/20 cells  Conv-BN-Act-Drop-Pool seed 1  4m02s elapsed, ~7m left} */
    static String progressBar(int finished, int total, String what, double elapsedSeconds, double leftSeconds) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) width * finished / total);
        String bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
        String left = Double.isFinite(leftSeconds) && finished < total ? ", ~" + duration(leftSeconds) + " left" : "";
        return String.format(Locale.ROOT, "[%s] %d/%d cells  %s  %s elapsed%s", bar, finished, total, what,
                duration(elapsedSeconds), left);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
