package dev.lamina.bench;

import dev.lamina.runtime.Natives;
import dev.lamina.runtime.kernel.BatchNormActivation;
import dev.lamina.runtime.model.LayerProfiler;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.train.StepWorkspace;
import dev.lamina.runtime.train.TrainingStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Throughput of one network ({@code --model}: the seed network, the examples' MNIST ResNet, or their
 * MNIST Vision Transformer, which DL4J does not run (it has no comparable ready-made transformer);
 * see {@link BenchModel}) in Lamina, in Deeplearning4j and (seed network and ViT) in PyTorch through DJL
 * ({@link DjlNet}, {@link DjlViT}) in one JVM run, each measured the same way, on random MNIST-shaped
 * data ({@code [N, 1, 28, 28]} uniform in [0, 1), random one-hot labels over 10 classes), FLOAT, at
 * each batch size: training steps (forward, loss gradient, backward, Adam 1e-3) and inference
 * forward passes. Each measurement is a warm-up, then repeated timed windows of at least
 * {@code --window} seconds each; images/s is reported as min/median/max over the windows, with the
 * achieved GFLOP/s of the median (the conv and dense layers; seed network: 19.5 MFLOP per training
 * image, 6.5 per inference image) against the sgemm rate measured at the start of the run. Also: peak
 * resident memory ({@code VmHWM}) after each framework, and the processor's compile-time cost. The
 * table is also written to {@code bench/target/results.csv} ({@link ResultsCsv}; {@code --results FILE}
 * elsewhere). {@code --profile} then times Lamina's layers ({@link LayerProfiler}) for one more window
 * per mode and batch, and prints the per-layer table.
 *
 * <p>Usage: {@code Benchmark [--model seed|resnet|vit] [--only lamina|dl4j|pytorch] [--batches 32,128]
 * [--windows 5] [--window 2] [--warmup 3] [--no-compile] [--dl4j-helpers auto|on|off] [--profile]
 * [--results FILE]}. One model per run, so that peak memory is the model's. The frameworks share one JVM
 * and one heap unless {@code --only} runs one, which is how peak memory should be compared.
 *
 * <p>Both frameworks run on the natives on the class path: with {@code -Pbench} Lamina's default,
 * libnd4j built with oneDNN ({@code linux-x86_64-onednn}), or with {@code -Pbench,stock} the stock
 * {@code linux-x86_64} ones. {@code --dl4j-helpers auto} (the default) switches DL4J's oneDNN layer
 * helpers on exactly when the natives have oneDNN, which is DL4J's best CPU configuration (see
 * {@link Dl4jSeedNet#installOneDnnHelpers}), and leaves them off on the stock natives; the header says
 * which configuration ran (from {@link Natives#describe}) and the footer whether the helpers stayed in use.
 */
public final class Benchmark {
    private static final int DATA_BATCHES = 4;

    private Benchmark() {}

    private record Row(String mode, int batch, String framework, Stats imagesPerSecond) {}

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = parse(args);
        String modelName = options.getOrDefault("model", BenchModel.ALL.keySet().iterator().next());
        BenchModel model = BenchModel.ALL.get(modelName);
        if (model == null) {
            throw new IllegalArgumentException("--model must be one of " + String.join(", ", BenchModel.ALL.keySet())
                    + ", not " + modelName);
        }
        String only = options.getOrDefault("only", "all");
        if (!List.of("all", "lamina", "dl4j", "pytorch").contains(only)) {
            throw new IllegalArgumentException("--only must be lamina, dl4j or pytorch, not " + only);
        }
        if (only.equals("pytorch") && !model.hasPytorch()) {
            throw new IllegalArgumentException("--only pytorch: the benchmark has no PyTorch " + model.title());
        }
        List<Integer> batches = new ArrayList<>();
        for (String b : options.getOrDefault("batches", "32,128").split(",")) {
            batches.add(Integer.parseInt(b.trim()));
            if (batches.get(batches.size() - 1) < 1) {
                throw new IllegalArgumentException("--batches must be positive, not " + b.trim());
            }
        }
        int windows = Integer.parseInt(options.getOrDefault("windows", "5"));
        if (windows < 1) {
            throw new IllegalArgumentException("--windows must be at least 1, not " + windows);
        }
        double window = Double.parseDouble(options.getOrDefault("window", "2"));
        double warmup = Double.parseDouble(options.getOrDefault("warmup", "3"));
        String helpers = options.getOrDefault("dl4j-helpers", "auto");
        if (!List.of("auto", "on", "off").contains(helpers)) {
            throw new IllegalArgumentException("--dl4j-helpers must be auto, on or off, not " + helpers);
        }
        if (!model.hasDl4j()) {
            if (only.equals("dl4j")) {
                throw new IllegalArgumentException("--only dl4j: DL4J has no " + model.title() + " (" + model.dl4jKind()
                        + ")");
            }
        }
        if (!model.hasPytorch() && only.equals("pytorch")) {
            throw new IllegalArgumentException("--only pytorch: the benchmark has no PyTorch " + model.title());
        }
        boolean runLamina = only.equals("all") || only.equals("lamina");
        boolean runDl4j = model.hasDl4j() && (only.equals("all") || only.equals("dl4j"));
        boolean runPytorch = model.hasPytorch() && (only.equals("all") || only.equals("pytorch"));
        Path results = options.containsKey("results") ? Path.of(options.get("results")) : defaultResultsFile();
        boolean oneDnnNatives = Natives.oneDnn();
        boolean useHelpers = runDl4j && (helpers.equals("on") || (helpers.equals("auto") && oneDnnNatives));

        // PyTorch first: its version goes into the header, and its natives load before the timing starts.
        String pytorch = runPytorch ? DjlNet.describe() : null;
        List<String> running = new ArrayList<>();
        if (runLamina) {
            running.add("Lamina");
        }
        if (runDl4j) {
            running.add("DL4J 1.0.0-M2.1");
        }
        if (pytorch != null) {
            running.add(pytorch);
        }
        System.out.printf(Locale.ROOT, "%s, %s, FLOAT; %d cores, OMP_NUM_THREADS=%s, OMP_WAIT_POLICY=%s, "
                        + "OPENBLAS_THREAD_TIMEOUT=%s, java %s; fused kernels: %s%n",
                running.size() == 1 ? running.get(0) + " only" : String.join(" vs ", running), model.title(),
                Runtime.getRuntime().availableProcessors(), orUnset(System.getenv("OMP_NUM_THREADS")),
                orUnset(System.getenv("OMP_WAIT_POLICY")), orUnset(System.getenv("OPENBLAS_THREAD_TIMEOUT")),
                System.getProperty("java.version"), BatchNormActivation.loops());
        Map<String, Dl4jNet> dl4jNets = new LinkedHashMap<>();
        String helperKinds = "";
        if (useHelpers) {
            helperKinds = String.join(", ", Dl4jOneDnn.install(model.dl4j().apply(42).layers()));
        }
        System.out.printf(Locale.ROOT, "ND4J BLAS: %s; natives: %s" + (runLamina && runDl4j ? " (both frameworks)" : "")
                + "; DL4J: %s%n",
                Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor"),
                Natives.describe(),
                !model.hasDl4j() ? model.dl4jKind()
                        : !runDl4j ? "not run (--only " + only + ")"
                        : model.dl4jKind() + ", " + (oneDnnNatives ? "oneDNN natives, " : "stock natives, ")
                                + (useHelpers ? "oneDNN helpers on: " + helperKinds : "no helpers"));
        double sgemm = sgemmGflops();
        System.out.printf(Locale.ROOT, "sgemm (Nd4j.gemm 2048x2048 float into 'f'): %.1f GFLOP/s "
                + "(training limit at that rate: %.0f img/s at %.1f MFLOP per image)%n", sgemm,
                sgemm * 1e9 / model.trainFlop(), model.trainFlop() / 1e6);

        // What the frameworks' natives and the sgemm probe hold before any timed run: part of every peak
        // below, which is why peak memory is compared in one-framework JVMs (--only).
        System.out.printf(Locale.ROOT, "resident before the timed runs (natives loaded, sgemm probe done): %.0f MB%n",
                statusKb("VmRSS:") / 1024.0);
        List<Row> rows = new ArrayList<>();
        Map<String, Long> peakKb = new LinkedHashMap<>();
        List<String> profiles = new ArrayList<>();
        if (runLamina) {
            for (int batch : batches) {
                Data data = Data.random(batch, 1);
                for (boolean training : new boolean[] {true, false}) {
                    Model lamina = model.lamina().apply(42);
                    Runnable step = lamina(model, lamina, data, training);
                    rows.add(new Row(training ? "train" : "infer", batch, "lamina",
                            time(warmup, windows, window, batch, step)));
                    if (options.containsKey("profile")) {
                        profiles.add(profile(lamina, step, window, training, batch));
                    }
                }
            }
            peakKb.put("lamina", vmHwmKb());
        }
        if (runDl4j) {
            for (int batch : batches) {
                Data data = Data.random(batch, 1);
                rows.add(new Row("train", batch, "dl4j", time(warmup, windows, window, batch,
                        dl4j(model, data, true, useHelpers, "train, batch " + batch, dl4jNets))));
                rows.add(new Row("infer", batch, "dl4j", time(warmup, windows, window, batch,
                        dl4j(model, data, false, useHelpers, "infer, batch " + batch, dl4jNets))));
            }
            peakKb.put("dl4j", vmHwmKb());
        }
        if (runPytorch) {
            printParameterCounts(model);
            for (int batch : batches) {
                Data data = Data.random(batch, 1);
                for (boolean training : new boolean[] {true, false}) {
                    try (DjlNet net = model.pytorch().create(batch, data.features(), data.labels())) {
                        rows.add(new Row(training ? "train" : "infer", batch, "pytorch",
                                time(warmup, windows, window, batch, training ? net::fit : net::infer)));
                    }
                }
            }
            peakKb.put("pytorch", vmHwmKb());
        }
        printTable(rows, sgemm, model);
        List<ResultsCsv.Row> csv = new ArrayList<>();
        for (Row r : rows) {
            csv.add(new ResultsCsv.Row(r.framework(), r.mode(), r.batch(), r.imagesPerSecond(),
                    peakKb.getOrDefault(r.framework(), -1L) / 1024.0));
        }
        ResultsCsv.write(results, csv);
        System.out.println("results: " + results);
        profiles.forEach(System.out::print);
        dl4jNets.forEach((label, net) -> System.out.println("DL4J helpers after the run (" + label + "): "
                + Dl4jOneDnn.status(net.layers())));
        peakKb.forEach((framework, kb) -> System.out.printf(Locale.ROOT, "peak RSS (VmHWM) after %s: %.0f MB%n",
                framework, kb / 1024.0));
        if (!options.containsKey("no-compile")) {
            CompileCost.Result cost = CompileCost.measure(model.interfaceName(), model.source(), 3, 5);
            System.out.printf(Locale.ROOT, "compile time, %s (javac in-process, median of %d): "
                            + "%.0f ms with the Lamina processor, %.0f ms without (-proc:none): processor and "
                            + "generated class cost %.0f ms%n", model.title(), cost.runs(), cost.withProcessorMs(),
                    cost.withoutProcessorMs(), cost.withProcessorMs() - cost.withoutProcessorMs());
        }
    }

    /** A few random batches, cycled through. */
    private record Data(List<INDArray> features, List<INDArray> labels, List<DataSet> dataSets) {
        static Data random(int batch, long seed) {
            Nd4j.getRandom().setSeed(seed);
            List<INDArray> x = new ArrayList<>();
            List<INDArray> y = new ArrayList<>();
            List<DataSet> sets = new ArrayList<>();
            java.util.Random labels = new java.util.Random(seed);
            for (int i = 0; i < DATA_BATCHES; i++) {
                INDArray features = Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28);
                INDArray oneHot = Nd4j.zeros(DataType.FLOAT, batch, 10);
                for (int n = 0; n < batch; n++) {
                    oneHot.putScalar(n, labels.nextInt(10), 1.0);
                }
                x.add(features);
                y.add(oneHot);
                sets.add(new DataSet(features, oneHot));
            }
            return new Data(x, y, sets);
        }
    }

    private static Runnable lamina(BenchModel benchModel, Model model, Data data, boolean training) {
        int[] next = {0};
        if (!training) {
            // As Evaluator runs it: each batch in a reused workspace.
            StepWorkspace workspace = new StepWorkspace("bench-inference");
            return () -> {
                try (MemoryWorkspace ignored = workspace.open()) {
                    model.forward(data.features().get(next[0]++ % DATA_BATCHES), false);
                }
            };
        }
        // As Trainer runs it: forward and backward in a reused workspace, then the optimizer (Adam; the
        // ViT's AdamW with clipping).
        TrainingStep step = benchModel.trainingStep().apply(model);
        return () -> {
            int i = next[0]++ % DATA_BATCHES;
            step.run(data.features().get(i), data.labels().get(i), i);
        };
    }

    private static Runnable dl4j(BenchModel benchModel, Data data, boolean training, boolean oneDnnHelpers,
            String label, Map<String, Dl4jNet> nets) {
        Dl4jNet net = benchModel.dl4j().apply(42);
        if (oneDnnHelpers) {
            Dl4jOneDnn.install(net.layers());
        }
        nets.put(label, net);
        int[] next = {0};
        if (!training) {
            return () -> net.infer(data.features().get(next[0]++ % DATA_BATCHES));
        }
        return () -> net.fit(data.dataSets().get(next[0]++ % DATA_BATCHES));
    }

    /**
     * The per-layer profile of {@code step} on {@code model}: one window of at least {@code seconds} with a
     * {@link LayerProfiler} attached, after the timed windows (which ran without it).
     */
    private static String profile(Model model, Runnable step, double seconds, boolean training, int batch) {
        LayerProfiler profiler = new LayerProfiler();
        model.setProfiler(profiler);
        step.run(); // the first profiled step may still allocate; drop it
        profiler.reset();
        long start = System.nanoTime(), stop = start + (long) (seconds * 1e9);
        int steps = 0;
        do {
            step.run();
            steps++;
        } while (System.nanoTime() < stop);
        double wallMs = (System.nanoTime() - start) / 1e6 / steps;
        model.setProfiler(null);
        double layersMs = profiler.entries().stream().mapToLong(LayerProfiler.Entry::nanos).sum() / 1e6 / steps;
        // What the layer table does not show: in training loss, zeroGrad, optimizer and workspace; in both the
        // profiler's own laps.
        return String.format(Locale.ROOT, "%nprofile, Lamina %s, batch %d (means per %s):%n%s"
                + "whole %s: %.3f ms, of which layers %.3f ms and the rest (%s) %.3f ms%n",
                training ? "training steps" : "inference", batch, training ? "step" : "pass", profiler.table(),
                training ? "step" : "pass", wallMs, layersMs,
                training ? "loss, zeroGrad, optimizer, workspace" : "workspace, the profiler's laps",
                wallMs - layersMs);
    }

    /** Warm-up, then {@code windows} windows of at least {@code seconds} each: images/s per window. */
    private static Stats time(double warmup, int windows, double seconds, int batch, Runnable step) {
        long end = System.nanoTime() + (long) (warmup * 1e9);
        do {
            step.run();
        } while (System.nanoTime() < end);
        List<Double> rates = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            long start = System.nanoTime();
            long stop = start + (long) (seconds * 1e9);
            long images = 0;
            long now;
            do {
                step.run();
                images += batch;
                now = System.nanoTime();
            } while (now < stop);
            rates.add(images / ((now - start) / 1e9));
        }
        return Stats.of(rates);
    }

    /** Median of 5 timed {@code Nd4j.gemm} calls, 2048x2048 float, 'c' inputs, 'f' result, after 2 warm-ups. */
    static double sgemmGflops() {
        int n = 2048;
        Nd4j.getRandom().setSeed(3);
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {n, n}, 'f');
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long start = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            double s = (System.nanoTime() - start) / 1e9;
            if (i >= 2) {
                rates.add(2.0 * n * n * n / s / 1e9);
            }
        }
        return Stats.median(rates);
    }

    private static void printTable(List<Row> rows, double sgemm, BenchModel model) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-6s %5s  %-7s %9s %9s %9s  %8s %7s%n", "mode", "batch", "impl", "min img/s",
                "median", "max", "GFLOP/s", "%sgemm");
        for (Row r : rows) {
            double gflops = r.imagesPerSecond().median() * (r.mode().equals("train") ? model.trainFlop() : model.inferFlop()) / 1e9;
            System.out.printf(Locale.ROOT, "%-6s %5d  %-7s %9.0f %9.0f %9.0f  %8.2f %6.1f%%%n", r.mode(), r.batch(),
                    r.framework(), r.imagesPerSecond().min(), r.imagesPerSecond().median(), r.imagesPerSecond().max(),
                    gflops, 100 * gflops / sgemm);
        }
        for (String peer : List.of("dl4j", "pytorch")) {
            for (Row l : rows) {
                if (!l.framework().equals("lamina")) {
                    continue;
                }
                for (Row d : rows) {
                    if (d.framework().equals(peer) && d.mode().equals(l.mode()) && d.batch() == l.batch()) {
                        System.out.printf(Locale.ROOT, "ratio lamina/%s, %s batch %d (medians): %.2fx%n", peer,
                                l.mode(), l.batch(), l.imagesPerSecond().median() / d.imagesPerSecond().median());
                    }
                }
            }
        }
    }

    /** An environment variable's value, or "unset". */
    private static String orUnset(String value) {
        return value == null ? "unset" : value;
    }

    /** Peak resident set size of this process so far, in kB, from {@code /proc/self/status}; -1 if unknown. */
    static long vmHwmKb() throws IOException {
        return statusKb("VmHWM:");
    }

    /** A size in kB from this process's {@code /proc/self/status}, by its field name; -1 if unknown. */
    private static long statusKb(String field) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /**
     * {@code bench/target/results.csv}: next to the classes directory this class was loaded from, else in
     * the working directory.
     */
    private static Path defaultResultsFile() {
        try {
            Path classes = Path.of(Benchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(classes) && classes.getFileName().toString().equals("classes")) {
                return classes.resolveSibling("results.csv");
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        return Path.of("results.csv");
    }

    /**
     * Prints the trainable scalars of Lamina's model and of its PyTorch peer, which must be equal (same
     * architecture).
     *
     * @throws IllegalStateException if they differ
     */
    private static void printParameterCounts(BenchModel model) {
        long lamina = 0;
        for (dev.lamina.runtime.model.Parameter p : model.lamina().apply(42).parameters()) {
            lamina += p.value().length();
        }
        Data data = Data.random(2, 1);
        long pytorch;
        try (DjlNet net = model.pytorch().create(2, data.features(), data.labels())) {
            pytorch = net.parameterCount();
        }
        System.out.printf(Locale.ROOT, "parameters: lamina %,d, pytorch %,d%n", lamina, pytorch);
        if (lamina != pytorch) {
            throw new IllegalStateException("the PyTorch " + model.title() + " has " + pytorch
                    + " parameters, Lamina's " + lamina + ": not the same architecture");
        }
    }

    private static final String USAGE = "usage: Benchmark [--model " + String.join("|", BenchModel.ALL.keySet())
            + "] [--only lamina|dl4j|pytorch] [--batches 32,128] [--windows 5] [--window 2] [--warmup 3]"
            + " [--dl4j-helpers auto|on|off] [--no-compile] [--profile] [--results FILE]\n"
            + "  --model: the network (default " + BenchModel.ALL.keySet().iterator().next() + "); one per run\n"
            + "  natives: the class path's (-Pbench: oneDNN, Lamina's default; -Pbench,stock: stock linux-x86_64);\n"
            + "  --dl4j-helpers auto: DL4J's oneDNN helpers on exactly when the natives have oneDNN\n"
            + "  --only pytorch: PyTorch through DJL (seed network and vit)\n"
            + "  --profile: then Lamina's time per layer and pass, GFLOP/s and GB/s\n"
            + "  --results: the CSV of the table (default bench/target/results.csv)";
    private static final List<String> VALUED = List.of("model", "only", "batches", "windows", "window", "warmup",
            "dl4j-helpers", "results");

    /** The options, or the usage and exit status 2 on an unknown option or a missing value. */
    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (key.equals("help")) {
                System.out.println(USAGE);
                System.exit(0);
            } else if (key.equals("no-compile") || key.equals("profile")) {
                options.put(key, "true");
            } else if (VALUED.contains(key) && i + 1 < args.length) {
                options.put(key, args[++i]);
            } else {
                System.err.println("error: " + (VALUED.contains(key) ? args[i] + " needs a value"
                        : "unknown argument " + args[i]));
                System.err.println(USAGE);
                System.exit(2);
            }
        }
        return options;
    }
}
