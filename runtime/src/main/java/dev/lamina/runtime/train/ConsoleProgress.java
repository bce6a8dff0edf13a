package dev.lamina.runtime.train;

import dev.lamina.runtime.checkpoint.TrainingPosition;
import java.io.Console;
import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The trainer's default report, in plain text: during an epoch a progress line about every 10% of
 * batches (epoch, percent, batch, running train loss, images/second, estimated time to the end of the
 * epoch, and the step's learning rate and gradient norm when the trainer reports them), then one line per epoch with its {@link EpochMetrics}, and a line per checkpoint written or
 * resumed. On a terminal the progress line is rewritten in place with {@code \r}; elsewhere (logs, CI,
 * Maven's exec:java without a console) each is printed as its own line, about ten per epoch, except in a
 * run of more than {@value #LINES_MAX_SHORT_EPOCHS} epochs of fewer than {@value #LINES_MIN_BATCHES}
 * batches: there the epoch lines are progress enough (100 short epochs would otherwise print ~900 lines).
 */
public final class ConsoleProgress implements TrainingListener {
    private final PrintStream out;
    private final boolean rewrite;
    private int epochs;
    private int progressEvery = 1;
    /** Length of the progress line currently shown when rewriting in place, 0 if none. */
    private int progressWidth = 0;

    /**
     * A console report writing to {@code out}.
     *
     * @param out     where lines go
     * @param rewrite whether progress lines are rewritten in place with {@code \r} (for a terminal)
     */
    public ConsoleProgress(PrintStream out, boolean rewrite) {
        this.out = Objects.requireNonNull(out, "out");
        this.rewrite = rewrite;
    }

    /**
     * Whether standard output is an interactive terminal: {@link System#console()} is not null and,
     * on JDK 22 and later (where a console exists even when output is redirected), reports itself as
     * a terminal ({@code Console.isTerminal()}).
     *
     * @return whether progress lines may be rewritten in place
     */
    public static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Console.isTerminal() is JDK 22+; this code targets 17, so it is looked up, not linked.
            MethodHandle isTerminal = MethodHandles.publicLookup()
                    .findVirtual(Console.class, "isTerminal", MethodType.methodType(boolean.class));
            return (boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return true; // JDK 17-21: a console exists only on a terminal
        } catch (Throwable t) {
            return false;
        }
    }

    /** Batches from which an epoch is long enough for progress lines of its own (when not rewritten). */
    public static final int LINES_MIN_BATCHES = 100;

    /** Epochs up to which a run prints progress lines even for short epochs (when not rewritten). */
    public static final int LINES_MAX_SHORT_EPOCHS = 10;

    @Override
    public void onEpochStart(EpochStart start) {
        epochs = start.epochs();
        boolean manyShortEpochs = start.batchCount() < LINES_MIN_BATCHES && start.epochs() > LINES_MAX_SHORT_EPOCHS;
        progressEvery = !rewrite && manyShortEpochs
                ? Integer.MAX_VALUE
                : Math.max(1, start.batchCount() / 10);
    }

    @Override
    public void onBatchEnd(BatchProgress p) {
        if (p.batch() % progressEvery == 0 && p.batch() < p.batchCount()) {
            progress(String.format(Locale.ROOT, "epoch %d/%d %3d%% (batch %d/%d)  train loss %.4f  %.0f img/s  ETA %s%s",
                    p.epoch(), p.epochs(), 100L * p.batch() / p.batchCount(), p.batch(), p.batchCount(),
                    p.trainLoss(), p.imagesPerSecond(), duration(p.etaSeconds()), rateAndNorm(p)));
        }
    }

    /**
     * The learning rate and gradient norm of a step, for a progress line: {@code "  lr 1.20e-03  grad norm 0.842"},
     * each part only when the trainer reported it (finite), so {@code ""} for an optimizer without a rate
     * and without clipping.
     *
     * @param p the step's progress
     * @return the text, starting with two spaces unless empty
     */
    public static String rateAndNorm(BatchProgress p) {
        StringBuilder s = new StringBuilder();
        if (Double.isFinite(p.learningRate())) {
            s.append(String.format(Locale.ROOT, "  lr %.2e", p.learningRate()));
        }
        if (Double.isFinite(p.gradNorm())) {
            s.append(String.format(Locale.ROOT, "  grad norm %.3f", p.gradNorm()));
        }
        return s.toString();
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {
        endProgress();
        out.println(epochLine(metrics, epochs));
        out.flush();
    }

    @Override
    public void onCheckpointSaved(Path file, TrainingPosition position) {
        endProgress();
        out.println(checkpointLine(file, position));
        out.flush();
    }

    @Override
    public void onResumed(Path file, TrainingPosition p, int batchCount) {
        out.println(resumedLine(file, p, batchCount));
        out.flush();
    }

    /**
     * The one-line report of an epoch of a run of {@code epochs} epochs:
     * {@code epoch 1/3  train loss 0.1234  train accuracy 96.10%  test loss 0.0456  test accuracy 98.52%  2100 img/s  31.4 s};
     * for regression (accuracies NaN) without the two accuracies.
     *
     * @param m      the epoch's metrics
     * @param epochs the run's epoch count
     * @return the line, without a line end
     */
    public static String epochLine(EpochMetrics m, int epochs) {
        return String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f%s  test loss %.4f%s  %.0f img/s  %.1f s",
                m.epoch(), epochs, m.trainLoss(), percent("  train accuracy", m.trainAccuracy()), m.testLoss(),
                percent("  test accuracy", m.testAccuracy()), m.imagesPerSecond(), m.elapsedSeconds());
    }

    /** {@code label 12.34%}, or nothing for NaN (regression has no accuracy). */
    private static String percent(String label, double fraction) {
        return Double.isNaN(fraction) ? "" : String.format(Locale.ROOT, "%s %.2f%%", label, 100 * fraction);
    }

    /**
     * The line that reports a checkpoint: {@code checkpoint runs/x/checkpoint.lamina at step 120 (epoch 2, batch 3)}.
     *
     * @param file     where the checkpoint was written
     * @param position the position it holds (epochs and batches from 0; printed from 1 for epochs)
     * @return the line, without a line end
     */
    public static String checkpointLine(Path file, TrainingPosition position) {
        return String.format(Locale.ROOT, "checkpoint %s at step %d (epoch %d, batch %d)", file, position.step(),
                position.epoch() + 1, position.batch());
    }

    /**
     * The line that reports a resumed run: {@code resumed from FILE at step 120 (epoch 2, batch 3/469)}.
     *
     * @param file       the checkpoint read
     * @param p          the position it held
     * @param batchCount batches per epoch
     * @return the line, without a line end
     */
    public static String resumedLine(Path file, TrainingPosition p, int batchCount) {
        return String.format(Locale.ROOT, "resumed from %s at step %d (epoch %d, batch %d/%d)", file, p.step(),
                p.epoch() + 1, p.batch(), batchCount);
    }

    /**
     * Formats a duration for people: {@code 42 s}, {@code 3 min 05 s}, {@code 1 h 02 min}.
     *
     * @param seconds the duration; negative values count as 0
     * @return the text
     */
    public static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    private void progress(String line) {
        if (rewrite) {
            out.print("\r" + line + " ".repeat(Math.max(0, progressWidth - line.length())));
            progressWidth = line.length();
        } else {
            out.println("  " + line);
        }
        out.flush();
    }

    /** Clears a rewritten progress line so the next line starts at column 0 on a clean line. */
    private void endProgress() {
        if (rewrite && progressWidth > 0) {
            out.print("\r" + " ".repeat(progressWidth) + "\r");
            progressWidth = 0;
        }
    }
}
