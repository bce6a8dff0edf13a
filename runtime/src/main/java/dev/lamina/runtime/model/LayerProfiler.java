package dev.lamina.runtime.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times a generated model layer by layer: attach it with {@link Model#setProfiler}, run forward and
 * backward passes (training steps, inference), then read {@link #entries()} or print {@link #table()}:
 * time per layer and pass, and the GFLOP/s and GB/s each layer achieved, from the work its shapes imply.
 *
 * <pre>{@code
 * LayerProfiler profiler = new LayerProfiler();
 * model.setProfiler(profiler);
 * for (int i = 0; i < 20; i++) {
 *     step.run(images, labels, i);   // a TrainingStep: forward, loss, backward, optimizer
 * }
 * model.setProfiler(null);
 * System.out.print(profiler.table());
 * }</pre>
 *
 * <p>Each layer's time runs from the end of the layer before it in the same pass (or the start of the
 * pass) to the end of its own kernels, measured with {@link System#nanoTime()}: it includes what the
 * generated code does around the layer (summing the gradients of a fork, for example), and the time a
 * layer observer spends is not counted. Layers appear as the model runs them: the training forward pass
 * runs the declared layers ({@link Pass#FORWARD}), backward runs them in reverse ({@link Pass#BACKWARD}),
 * and inference runs the rewritten inference pass ({@link Pass#INFERENCE}), where a folded BatchNorm's
 * time is its convolution's and removed layers are absent. A fused kernel (a BatchNorm, its activation
 * and dropout), which computes its layers in one call, is one entry in forward and in backward, named
 * {@code bn1+act1+drop1} with kind {@code BatchNorm+ELU+Dropout}.
 *
 * <p>The work is estimated from the shapes of the layer's tensors in that pass. FLOP count the
 * multiply-adds of the matrix products as 2 each: a Conv2d or Conv1d {@code 2 * outputValues *
 * channels * kernel area}, a Dense layer {@code 2 * outputValues * inputs}, MultiHeadAttention its four
 * projections and two attention products ({@code 8 N T D^2 + 4 N T^2 D}); backward twice the forward
 * FLOP (input and weight gradients), once where no input gradient is computed. Other layers (bias,
 * normalisation, activations, pooling, dropout) count 0 FLOP and are judged by their GB/s. Bytes are a
 * lower bound on memory traffic, each tensor a pass touches counted once: forward reads the input and
 * the parameters and writes the output; backward reads the output gradient, the input (or kept tensors
 * of its size) and the parameters, writes the parameter gradients and, if computed, the input gradient.
 * A fused kernel's work is the sum of its layers'.
 *
 * <p>Nothing is timed while no profiler is attached: the generated code's hooks then cost a field read
 * each. ND4J's CPU ops run synchronously, so a layer's kernels have finished when its time is taken.
 * Thread-safe: concurrent inference passes on one model each time their own layers (per-thread lap
 * clocks), and their entries add up.
 */
public final class LayerProfiler {
    /** Which pass of the model ran a layer. */
    public enum Pass {
        /** The forward pass with the declared layers: training, or watched by a layer observer. */
        FORWARD,
        /** The backward pass, layers in reverse order. */
        BACKWARD,
        /** The rewritten inference pass that {@code forward(input, false)} runs. */
        INFERENCE
    }

    /**
     * The totals of one layer in one pass since the profiler was attached or last
     * {@linkplain LayerProfiler#reset reset}.
     *
     * @param layer the layer's name as declared ({@code conv1}; fused layers joined by {@code +})
     * @param kind  the layer's kind ({@code Conv2d}; fused kinds joined by {@code +})
     * @param pass  the pass
     * @param calls how many times the layer ran in that pass
     * @param nanos the time of all those runs, in nanoseconds
     * @param flop  the floating-point operations of all those runs (see the class documentation); 0 for
     *              layers without matrix products
     * @param bytes the bytes of memory traffic of all those runs, a lower bound (see the class documentation)
     */
    public record Entry(String layer, String kind, Pass pass, long calls, long nanos, double flop, double bytes) {
        /** {@return the mean time of one run, in milliseconds} */
        public double millisPerCall() {
            return calls == 0 ? 0 : nanos / 1e6 / calls;
        }

        /** {@return the achieved rate in GFLOP/s (10^9 FLOP per second); 0 when no time was measured} */
        public double gflopPerSecond() {
            return nanos == 0 ? 0 : flop / nanos;
        }

        /** {@return the achieved memory rate in GB/s (10^9 bytes per second); 0 when no time was measured} */
        public double gigabytesPerSecond() {
            return nanos == 0 ? 0 : bytes / nanos;
        }
    }

    /** Mutable totals of one entry. */
    private static final class Totals {
        final String layer;
        final String kind;
        final Pass pass;
        long calls;
        long nanos;
        double flop;
        double bytes;

        Totals(String layer, String kind, Pass pass) {
            this.layer = layer;
            this.kind = kind;
            this.pass = pass;
        }
    }

    private final Map<String, Totals> totals = new LinkedHashMap<>();
    /** When the current layer of this thread's pass started. */
    private final ThreadLocal<long[]> lapStart = ThreadLocal.withInitial(() -> new long[1]);

    /** An empty profiler; attach it with {@link Model#setProfiler}. */
    public LayerProfiler() {}

    /** Starts a pass's clock on this thread: the next layer's time runs from now. */
    void startLap() {
        lapStart.get()[0] = System.nanoTime();
    }

    /**
     * Ends the current layer's time on this thread and adds it, with its work, to the layer's entry;
     * the next layer's time runs from now.
     */
    void lap(Pass pass, String layer, String kind, LayerWork work) {
        long now = System.nanoTime();
        long[] start = lapStart.get();
        long nanos = Math.max(0, now - start[0]);
        synchronized (this) {
            Totals t = totals.computeIfAbsent(pass + " " + layer, k -> new Totals(layer, kind, pass));
            t.calls++;
            t.nanos += nanos;
            t.flop += work.flop();
            t.bytes += work.bytes();
        }
        start[0] = System.nanoTime();
    }

    /** Forgets every entry (for example the first, warming-up steps). */
    public synchronized void reset() {
        totals.clear();
    }

    /**
     * {@return the entries, in the order their layers first ran: within a training step the forward pass's
     * layers in order, then backward's in reverse order; the inference pass's in its order}
     */
    public synchronized List<Entry> entries() {
        List<Entry> list = new ArrayList<>();
        for (Totals t : totals.values()) {
            list.add(new Entry(t.layer, t.kind, t.pass, t.calls, t.nanos, t.flop, t.bytes));
        }
        return list;
    }

    /**
     * The entries as a table, one line per layer and pass: pass, layer, kind, runs, mean milliseconds per
     * run, share of the pass's time, GFLOP/s (blank for layers without matrix products) and GB/s; then one
     * line per pass with its total.
     *
     * @return the table, lines ending in {@code \n}
     */
    public String table() {
        List<Entry> entries = entries();
        int nameWidth = "layer".length();
        int kindWidth = "kind".length();
        Map<Pass, Long> passNanos = new LinkedHashMap<>();
        for (Entry e : entries) {
            nameWidth = Math.max(nameWidth, e.layer().length());
            kindWidth = Math.max(kindWidth, e.kind().length());
            passNanos.merge(e.pass(), e.nanos(), Long::sum);
        }
        String row = "%-9s %-" + nameWidth + "s  %-" + kindWidth + "s %7s %9s %6s %8s %7s%n";
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, row, "pass", "layer", "kind", "runs",
                "ms/run", "%pass", "GFLOP/s", "GB/s"));
        for (Entry e : entries) {
            table.append(String.format(Locale.ROOT, row, e.pass().name().toLowerCase(Locale.ROOT), e.layer(), e.kind(),
                    e.calls(), String.format(Locale.ROOT, "%.3f", e.millisPerCall()),
                    String.format(Locale.ROOT, "%.1f", 100.0 * e.nanos() / Math.max(1, passNanos.get(e.pass()))),
                    e.flop() == 0 ? "" : String.format(Locale.ROOT, "%.1f", e.gflopPerSecond()),
                    String.format(Locale.ROOT, "%.1f", e.gigabytesPerSecond())));
        }
        for (Map.Entry<Pass, Long> pass : passNanos.entrySet()) {
            long runs = entries.stream().filter(e -> e.pass() == pass.getKey()).mapToLong(Entry::calls).max().orElse(1);
            table.append(String.format(Locale.ROOT, "%s: %.3f ms per run of the pass%n",
                    pass.getKey().name().toLowerCase(Locale.ROOT), pass.getValue() / 1e6 / Math.max(1, runs)));
        }
        return table.toString();
    }
}
