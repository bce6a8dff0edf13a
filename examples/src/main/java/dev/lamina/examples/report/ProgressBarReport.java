package dev.lamina.examples.report;

import dev.lamina.runtime.checkpoint.TrainingPosition;
import dev.lamina.runtime.train.ConsoleProgress;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.TrainingListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress as a progress bar per epoch (me.tongfei:progressbar), for a terminal: percent,
 * images done of the epoch, elapsed time and ETA, images/second, running train loss and accuracy, and
 * the step's learning rate and gradient norm when the trainer reports them.
 * When the epoch ends the bar is cleared and replaced by the one-line epoch report of
 * {@link ConsoleProgress}. Where no terminal is attached use
 * {@link ConsoleProgress} instead (about ten plain lines per epoch): {@link #forConsole} picks.
 */
public final class ProgressBarReport implements TrainingListener {
    private final PrintStream out;
    private final Supplier<ProgressBarConsumer> consumers;
    private ProgressBar bar;
    private int epochs;

    /**
     * @param out       where epoch lines go
     * @param consumers a new destination of the bar for every epoch (the terminal: a
     *                  {@link ConsoleProgressBarConsumer} on {@code out})
     */
    public ProgressBarReport(PrintStream out, Supplier<ProgressBarConsumer> consumers) {
        this.out = Objects.requireNonNull(out, "out");
        this.consumers = Objects.requireNonNull(consumers, "consumers");
    }

    /** A progress bar on {@code out} when it is a terminal, else plain lines ({@link ConsoleProgress}). */
    public static TrainingListener forConsole(PrintStream out) {
        return ConsoleProgress.onTerminal()
                ? new ProgressBarReport(out, () -> new ConsoleProgressBarConsumer(out))
                : new ConsoleProgress(out, false);
    }

    @Override
    public void onEpochStart(EpochStart start) {
        epochs = start.epochs();
        bar = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", start.epoch(), start.epochs()))
                .setInitialMax(start.examples())
                .setUnit(" img", 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                // Render on every refresh, not only after progress: the library's "only when
                // progress was made" check races with its refresh thread and can skip a step.
                .continuousUpdate()
                .setConsumer(consumers.get())
                .clearDisplayOnFinish()
                .startsFrom(start.firstExample(), Duration.ZERO)
                .build();
    }

    @Override
    public void onBatchEnd(BatchProgress p) {
        if (bar == null) {
            return;
        }
        // Message first, so that a rendering of the new count never shows the previous message.
        bar.setExtraMessage(p.batch() == p.batchCount() ? " evaluating on the test set..."
                : String.format(Locale.ROOT, " loss %.4f%s%s", p.trainLoss(), Double.isNaN(p.trainAccuracy()) ? ""
                        : String.format(Locale.ROOT, ", acc %.1f%%", 100 * p.trainAccuracy()),
                        ConsoleProgress.rateAndNorm(p).replace("  ", ", ")));
        bar.stepTo(p.examples());
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics, TrainingPosition position) {
        closeBar();
        out.println(ConsoleProgress.epochLine(metrics, epochs));
        out.flush();
    }

    @Override
    public void onCheckpointSaved(Path file, TrainingPosition position) {
        // The bar redraws on the next update; the note gets a line of its own.
        out.println();
        out.println(ConsoleProgress.checkpointLine(file, position));
        out.flush();
    }

    @Override
    public void onResumed(Path file, TrainingPosition p, int batchCount) {
        out.println(ConsoleProgress.resumedLine(file, p, batchCount));
        out.flush();
    }

    /** Redraws the bar now instead of at its next scheduled update (every 250 ms), for tests. */
    void refreshNow() {
        if (bar != null) {
            bar.refresh();
        }
    }

    /** Stops the bar's refresh thread; safe to call more than once. */
    public void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
