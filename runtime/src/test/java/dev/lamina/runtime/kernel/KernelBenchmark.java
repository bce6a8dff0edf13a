package dev.lamina.runtime.kernel;

import dev.lamina.runtime.train.StepWorkspace;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times each kernel at the seed network's batch-128 shapes, then a whole training step built from
 * the kernels: Conv(1->32,3x3)-BN-ELU-Drop-MaxPool2-Conv(32->64,3x3)-BN-ELU-Drop-MaxPool2-Flatten-
 * Dense(1600->512)-ELU-Dense(512->10), softmax cross-entropy, plain SGD update. FLOAT, random data.
 *
 * <p>Not a unit test. Run from the worktree root:
 * <pre>
 *   mvn -B -q -pl runtime -am test-compile
 *   mvn -B -q -pl runtime dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 *   java --add-modules jdk.incubator.vector \
 *       -cp "runtime/target/classes:runtime/target/test-classes:$(cat /tmp/cp.txt)" \
 *       dev.lamina.runtime.kernel.KernelBenchmark [reps] [--epoch] [--fusion]
 * </pre>
 * Each figure is the median (and minimum) over {@code reps} calls after warm-up. Calls run inside
 * one reused ND4J workspace, as a training loop should run them, so results are taken from memory
 * that is already mapped; "no workspace" rows show the cost of fresh allocations. {@code --epoch}
 * also runs 469 steps (60,000 images). {@code --fusion} times BN-activation-Dropout unfused against
 * {@link BatchNormActivation#forward} and {@link BatchNormActivation#chainBackward} (on the loops this
 * JVM runs and on the scalar loops; start it with {@code --add-modules jdk.incubator.vector} for the
 * Vector API), and the step both ways.
 *
 * <p>Idle native threads matter on 2 cores: libnd4j's OpenMP workers and OpenBLAS's workers
 * busy-wait after each op, and the Java loops of some kernels then share the cores with them.
 * Starting the JVM with {@code OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4} measured about
 * 1.5x faster per training step here; the header line prints both.
 */
public final class KernelBenchmark {
    private static final int BATCH = 128;
    /** The workspace the Trainer runs its steps in. */
    private static final StepWorkspace WORKSPACE = new StepWorkspace("bench");

    private KernelBenchmark() {}

    interface Body {
        void run();
    }

    /** Median and minimum milliseconds of one call of body, each call in a reused workspace. */
    @SuppressWarnings("try")
    static double[] time(int reps, boolean workspace, Body body) {
        int warmup = Math.max(5, reps / 2);
        double[] ms = new double[reps];
        for (int i = -warmup; i < reps; i++) {
            long start = System.nanoTime();
            if (workspace) {
                try (MemoryWorkspace ws = WORKSPACE.open()) {
                    body.run();
                }
            } else {
                body.run();
            }
            long end = System.nanoTime();
            if (i >= 0) {
                ms[i] = (end - start) / 1e6;
            }
        }
        Arrays.sort(ms);
        return new double[] {ms[reps / 2], ms[0]};
    }

    /**
     * Mean milliseconds of process CPU time (all threads) per call of body, each call in a reused
     * workspace: unlike wall time, it hardly moves when other processes share the cores, so it
     * compares two ways of doing the same work on a busy machine (it does not see waiting).
     */
    @SuppressWarnings("try")
    static double cpuTime(int reps, Body body) {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        int warmup = Math.max(5, reps / 2);
        double[] ms = new double[reps];
        for (int i = -warmup; i < reps; i++) {
            long start = os.getProcessCpuTime();
            try (MemoryWorkspace ws = WORKSPACE.open()) {
                body.run();
            }
            long end = os.getProcessCpuTime();
            if (i >= 0) {
                ms[i] = (end - start) / 1e6;
            }
        }
        // The mean, not the median: the process CPU clock ticks in steps of up to 10 ms.
        return Arrays.stream(ms).average().orElse(0);
    }

    /** Minor page faults of this process so far (Linux /proc/self/stat field 10), or -1. */
    static long minorFaults() {
        try {
            String stat = new String(java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("/proc/self/stat")));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void row(String name, String shape, double[] forward, double[] backward) {
        System.out.printf(Locale.ROOT, "%-22s %-22s fwd %7.2f (min %6.2f)   bwd %7.2f (min %6.2f) ms%n", name, shape,
                forward[0], forward[1], backward[0], backward[1]);
    }

    private static INDArray rand(long... shape) {
        return Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
    }

    /** The seed network's parameters, gradients and one step. */
    static final class SeedNet {
        final INDArray w1 = rand(32, 1, 3, 3), b1 = rand(32), g1 = rand(32).addi(1), be1 = rand(32);
        final INDArray w2 = rand(64, 32, 3, 3).muli(0.2), b2 = rand(64), g2 = rand(64).addi(1), be2 = rand(64);
        final INDArray w3 = rand(1600, 512).muli(0.05), b3 = rand(512), w4 = rand(512, 10).muli(0.1), b4 = rand(10);
        final INDArray rm1 = Nd4j.zeros(DataType.FLOAT, 32), rv1 = Nd4j.ones(DataType.FLOAT, 32);
        final INDArray rm2 = Nd4j.zeros(DataType.FLOAT, 64), rv2 = Nd4j.ones(DataType.FLOAT, 64);
        final INDArray[] params = {w1, b1, g1, be1, w2, b2, g2, be2, w3, b3, w4, b4};
        final INDArray[] grads = Arrays.stream(params).map(p -> Nd4j.zeros(DataType.FLOAT, p.shape()))
                .toArray(INDArray[]::new);
        final Random rng = Nd4j.getRandomFactory().getNewRandomInstance(1);

        /** Laps of one step, by name, summed over the steps run with {@link #profile} set. */
        final java.util.Map<String, double[]> laps = new java.util.LinkedHashMap<>();
        boolean profile;
        /** Runs BN-ELU-Dropout's backward as one {@link BatchNormActivation#chainBackward} call per block. */
        boolean chainBackward;
        private long last;

        private void lap(String name) {
            if (profile) {
                long now = System.nanoTime();
                laps.computeIfAbsent(name, k -> new double[1])[0] += (now - last) / 1e6;
                last = now;
            }
        }

        void step(INDArray x, INDArray oneHot) {
            last = System.nanoTime();
            for (INDArray g : grads) {
                g.assign(0);
            }
            lap("zero grads");
            BatchNorm.Cache c1 = new BatchNorm.Cache(), c2 = new BatchNorm.Cache();
            INDArray a1 = Conv2d.forward(x, w1, b1, 1, 0, 0, 26, 26);
            lap("conv1 forward");
            INDArray n1 = BatchNorm.forwardTrain(a1, g1, be1, rm1, rv1, 0.1, 1e-5, c1);
            lap("bn1 forward");
            INDArray e1 = ELU.forward(n1, 1.0);
            lap("elu1 forward");
            INDArray m1 = Dropout.sampleMask(e1.shape(), 0.25, rng, DataType.FLOAT);
            lap("drop1 sampleMask");
            INDArray d1 = Dropout.forward(e1, m1);
            lap("drop1 forward");
            INDArray p1 = MaxPool2d.forward(d1, 2, 2);
            lap("pool1 forward");
            INDArray a2 = Conv2d.forward(p1, w2, b2, 1, 0, 0, 11, 11);
            lap("conv2 forward");
            INDArray n2 = BatchNorm.forwardTrain(a2, g2, be2, rm2, rv2, 0.1, 1e-5, c2);
            lap("bn2 forward");
            INDArray e2 = ELU.forward(n2, 1.0);
            lap("elu2 forward");
            INDArray m2 = Dropout.sampleMask(e2.shape(), 0.25, rng, DataType.FLOAT);
            lap("drop2 sampleMask");
            INDArray d2 = Dropout.forward(e2, m2);
            lap("drop2 forward");
            INDArray p2 = MaxPool2d.forward(d2, 2, 2);
            lap("pool2 forward");
            INDArray f = Flatten.forward(p2);
            lap("flatten forward");
            INDArray h = Dense.forward(f, w3, b3);
            lap("dense1 forward");
            INDArray e3 = ELU.forward(h, 1.0);
            lap("elu3 forward");
            INDArray logits = Dense.forward(e3, w4, b4);
            lap("dense2 forward");

            // softmax cross-entropy, mean over the batch: dlogits = (softmax - onehot) / N
            INDArray dLogits = Softmax.forward(logits).subi(oneHot).divi(x.size(0));
            lap("softmax + loss gradient");

            INDArray de3 = Dense.backward(e3, w4, dLogits, grads[10], grads[11], true);
            lap("dense2 backward");
            INDArray dh = ELU.backward(h, e3, de3, 1.0);
            lap("elu3 backward");
            INDArray df = Dense.backward(f, w3, dh, grads[8], grads[9], true);
            lap("dense1 backward");
            INDArray dp2 = Flatten.backward(p2, df);
            lap("flatten backward");
            INDArray dd2 = MaxPool2d.backward(d2, p2, dp2, 2, 2);
            lap("pool2 backward");
            INDArray da2;
            if (chainBackward) {
                da2 = BatchNormActivation.chainBackward(dd2, m2, BatchNormActivation.Activation.ELU, 1.0, n2, e2,
                        g2, c2, grads[6], grads[7]);
                lap("bn2+elu2+drop2 chainBackward");
            } else {
                INDArray de2 = Dropout.backward(dd2, m2);
                lap("drop2 backward");
                INDArray dn2 = ELU.backward(n2, e2, de2, 1.0);
                lap("elu2 backward");
                da2 = BatchNorm.backward(dn2, g2, c2, grads[6], grads[7]);
                lap("bn2 backward");
            }
            INDArray dp1 = Conv2d.backward(p1, w2, da2, grads[4], grads[5], 1, 0, 0, true);
            lap("conv2 backward");
            INDArray dd1 = MaxPool2d.backward(d1, p1, dp1, 2, 2);
            lap("pool1 backward");
            INDArray da1;
            if (chainBackward) {
                da1 = BatchNormActivation.chainBackward(dd1, m1, BatchNormActivation.Activation.ELU, 1.0, n1, e1,
                        g1, c1, grads[2], grads[3]);
                lap("bn1+elu1+drop1 chainBackward");
            } else {
                INDArray de1 = Dropout.backward(dd1, m1);
                lap("drop1 backward");
                INDArray dn1 = ELU.backward(n1, e1, de1, 1.0);
                lap("elu1 backward");
                da1 = BatchNorm.backward(dn1, g1, c1, grads[2], grads[3]);
                lap("bn1 backward");
            }
            Conv2d.backward(x, w1, da1, grads[0], grads[1], 1, 0, 0, false);
            lap("conv1 backward");

            for (int i = 0; i < params.length; i++) {
                params[i].subi(grads[i].mul(0.01));
            }
            lap("sgd update");
        }
    }

    @SuppressWarnings("try")
    public static void main(String[] args) {
        int reps = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 30;
        boolean epoch = Arrays.asList(args).contains("--epoch");
        boolean stepOnly = Arrays.asList(args).contains("--step-only");
        for (String arg : args) {
            if (arg.startsWith("--blas-threads=")) {
                Nd4j.factory().blas().setMaxThreads(Integer.parseInt(arg.substring("--blas-threads=".length())));
            }
        }
        System.out.printf(Locale.ROOT, "ND4J threads %d, BLAS threads %d, cores %d, batch %d, FLOAT, %d reps%n",
                Nd4j.getEnvironment().maxThreads(), Nd4j.factory().blas().getMaxThreads(),
                Runtime.getRuntime().availableProcessors(), BATCH, reps);
        System.out.printf(Locale.ROOT, "OMP_WAIT_POLICY=%s OPENBLAS_THREAD_TIMEOUT=%s%n",
                System.getenv("OMP_WAIT_POLICY"), System.getenv("OPENBLAS_THREAD_TIMEOUT"));

        SeedNet net = new SeedNet();
        INDArray x = Nd4j.rand(DataType.FLOAT, BATCH, 1, 28, 28);
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, BATCH, 10);
        for (int n = 0; n < BATCH; n++) {
            oneHot.putScalar(n, n % 10, 1f);
        }
        // Warm up every code path (JIT, workspace sizes, scratch buffers) before timing anything.
        time(5, true, () -> net.step(x, oneHot));
        if (Arrays.asList(args).contains("--fusion")) {
            fusion(reps, net, x, oneHot);
            return;
        }
        if (!stepOnly) {
            kernels(reps, net, x);
        }
        long faults = minorFaults();
        double[] step = time(reps, true, () -> net.step(x, oneHot));
        faults = minorFaults() - faults;
        System.out.printf(Locale.ROOT, "%nTraining step, workspace:    median %.1f ms (min %.1f) = %.0f img/s, %d minor page faults/step%n",
                step[0], step[1], BATCH * 1000 / step[0], faults / (reps + Math.max(5, reps / 2)));
        net.profile = true;
        int profiled = Math.max(10, reps);
        time(profiled, true, () -> net.step(x, oneHot));
        net.profile = false;
        double total = net.laps.values().stream().mapToDouble(v -> v[0]).sum();
        System.out.printf(Locale.ROOT, "Inside the step (mean of %d steps after warm-up, workspace):%n", profiled);
        int steps = profiled + Math.max(5, profiled / 2);
        net.laps.forEach((name, v) -> System.out.printf(Locale.ROOT, "  %-26s %7.2f ms%n", name, v[0] / steps));
        System.out.printf(Locale.ROOT, "  %-26s %7.2f ms%n", "total", total / steps);
        int noWsReps = Math.max(5, reps / 3);
        faults = minorFaults();
        double[] stepNoWs = time(noWsReps, false, () -> net.step(x, oneHot));
        faults = minorFaults() - faults;
        System.out.printf(Locale.ROOT, "Training step, no workspace: median %.1f ms (min %.1f) = %.0f img/s, %d minor page faults/step%n",
                stepNoWs[0], stepNoWs[1], BATCH * 1000 / stepNoWs[0], faults / (noWsReps + Math.max(5, noWsReps / 2)));
        if (epoch) {
            long start = System.nanoTime();
            for (int i = 0; i < 469; i++) {
                try (MemoryWorkspace ws = WORKSPACE.open()) {
                    net.step(x, oneHot);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "Epoch, 469 steps of 128:     %.1f s = %.0f img/s%n", seconds, 469 * 128 / seconds);
        }
    }

    /**
     * {@code --fusion}: BN -> activation -> Dropout(0.25) as the single kernels' sequence, forward and
     * backward (backward rows time backward alone, on a forward pass made outside the timing), and
     * its backward as one {@link BatchNormActivation#chainBackward} call, at both BatchNorm shapes,
     * with process CPU time per call; then the whole training step unfused and with chainBackward,
     * interleaved step by step, {@code 2 * reps} steps each.
     */
    private static void fusion(int reps, SeedNet net, INDArray x, INDArray oneHot) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(2);
        for (long[] shape : new long[][] {{BATCH, 32, 26, 26}, {BATCH, 64, 11, 11}}) {
            long c = shape[1];
            INDArray act = rand(shape), dAct = rand(shape);
            INDArray gamma = rand(c).addi(1), beta = rand(c);
            INDArray rm = Nd4j.zeros(DataType.FLOAT, c), rv = Nd4j.ones(DataType.FLOAT, c);
            INDArray dG = Nd4j.zeros(DataType.FLOAT, c), dB = Nd4j.zeros(DataType.FLOAT, c);
            String name = Arrays.toString(shape).replace(" ", "");
            for (BatchNormActivation.Activation f : new BatchNormActivation.Activation[] {
                BatchNormActivation.Activation.ELU, BatchNormActivation.Activation.RELU}) {
                boolean elu = f == BatchNormActivation.Activation.ELU;
                BatchNorm.Cache bc = new BatchNorm.Cache();
                INDArray n = BatchNorm.forwardTrain(act, gamma, beta, rm, rv, 0.1, 1e-5, bc);
                INDArray a = elu ? ELU.forward(n, 1.0) : ReLU.forward(n);
                INDArray mask = Dropout.sampleMask(shape, 0.25, rng, DataType.FLOAT);
                Body chainForward = () -> {
                    INDArray nn = BatchNorm.forwardTrain(act, gamma, beta, rm, rv, 0.1, 1e-5, new BatchNorm.Cache());
                    INDArray aa = elu ? ELU.forward(nn, 1.0) : ReLU.forward(nn);
                    Dropout.forward(aa, Dropout.sampleMask(shape, 0.25, rng, DataType.FLOAT));
                };
                Body chainBackward = () -> {
                    INDArray da = Dropout.backward(dAct, mask);
                    INDArray dn = elu ? ELU.backward(n, a, da, 1.0) : ReLU.backward(n, a, da);
                    BatchNorm.backward(dn, gamma, bc, dG, dB);
                };
                Body oneBackward = () -> BatchNormActivation.chainBackward(dAct, mask, f, 1.0, n, a, gamma, bc, dG, dB);
                Body fusedForward = () -> BatchNormActivation.forward(act, gamma, beta, rm, rv, 0.1, 1e-5,
                        true, f, 1.0, 0.25, rng);
                Body scalarForward = () -> BatchNormActivation.forward(act, gamma, beta, rm, rv, 0.1, 1e-5,
                        true, f, 1.0, 0.25, rng, null, FusedLoops.scalar());
                Body scalarBackward = () -> BatchNormActivation.chainBackward(dAct, mask, f, 1.0, n, a, gamma, bc, dG,
                        dB, FusedLoops.scalar());
                row("BN+" + f + "+Drop chain", name, time(reps, true, chainForward), time(reps, true, chainBackward));
                row("  fused (" + BatchNormActivation.loops() + ")", name, time(reps, true, fusedForward),
                        time(reps, true, oneBackward));
                row("  fused (scalar loops)", name, time(reps, true, scalarForward), time(reps, true, scalarBackward));
                // Interleaved, so that load from other processes hits each alike.
                for (int round = 0; round < 2; round++) {
                    System.out.printf(Locale.ROOT, "  CPU ms/call: chain fwd %.2f bwd %.2f; fused fwd %.2f bwd %.2f;"
                            + " scalar loops fwd %.2f bwd %.2f%n", cpuTime(reps, chainForward),
                            cpuTime(reps, chainBackward), cpuTime(reps, fusedForward), cpuTime(reps, oneBackward),
                            cpuTime(reps, scalarForward), cpuTime(reps, scalarBackward));
                }
            }
        }
        // The two ways step by step in turn, so that load from other processes hits both alike.
        String[] modes = {"unfused", "chainBackward"};
        int steps = Math.max(20, 2 * reps);
        double[][] wall = new double[modes.length][steps];
        for (int i = -5; i < steps; i++) {
            for (int k = 0; k < modes.length; k++) {
                net.chainBackward = k == 1;
                double[] one = time(1, true, () -> net.step(x, oneHot));
                if (i >= 0) {
                    wall[k][i] = one[0];
                }
            }
        }
        for (int k = 0; k < modes.length; k++) {
            double[] w = wall[k].clone();
            Arrays.sort(w);
            System.out.printf(Locale.ROOT, "Training step, %-14s median %.1f ms, lower quartile %.1f, min %.1f"
                    + " (%d steps, interleaved)%n", modes[k], w[steps / 2], w[steps / 4], w[0], steps);
        }
        net.chainBackward = false;
    }

    /** One row per kernel: forward and backward at the seed network's shapes. */
    private static void kernels(int reps, SeedNet net, INDArray x) {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(2);

        // Activations at the seed network's shapes.
        INDArray a1 = rand(BATCH, 32, 26, 26), dA1 = rand(BATCH, 32, 26, 26);
        INDArray p1 = rand(BATCH, 32, 13, 13);
        INDArray a2 = rand(BATCH, 64, 11, 11), dA2 = rand(BATCH, 64, 11, 11);
        INDArray dP1 = rand(BATCH, 32, 13, 13), dP2 = rand(BATCH, 64, 5, 5);
        INDArray f = rand(BATCH, 1600), h = rand(BATCH, 512), dH = rand(BATCH, 512), dLogits = rand(BATCH, 10);
        INDArray dw1 = Nd4j.zeros(DataType.FLOAT, 32, 1, 3, 3), db1 = Nd4j.zeros(DataType.FLOAT, 32);
        INDArray dw2 = Nd4j.zeros(DataType.FLOAT, 64, 32, 3, 3), db2 = Nd4j.zeros(DataType.FLOAT, 64);
        INDArray dw3 = Nd4j.zeros(DataType.FLOAT, 1600, 512), db3 = Nd4j.zeros(DataType.FLOAT, 512);
        INDArray dw4 = Nd4j.zeros(DataType.FLOAT, 512, 10), db4 = Nd4j.zeros(DataType.FLOAT, 10);

        row("Conv2d 1->32 3x3", "[128,1,28,28]",
                time(reps, true, () -> Conv2d.forward(x, net.w1, net.b1, 1, 0, 0, 26, 26)),
                time(reps, true, () -> Conv2d.backward(x, net.w1, dA1, dw1, db1, 1, 0, 0, false)));
        row("Conv2d 32->64 3x3", "[128,32,13,13]",
                time(reps, true, () -> Conv2d.forward(p1, net.w2, net.b2, 1, 0, 0, 11, 11)),
                time(reps, true, () -> Conv2d.backward(p1, net.w2, dA2, dw2, db2, 1, 0, 0, true)));
        for (INDArray[] t : new INDArray[][] {{a1, dA1, net.g1, net.be1}, {a2, dA2, net.g2, net.be2}}) {
            INDArray act = t[0], dAct = t[1], gamma = t[2], beta = t[3];
            long c = act.size(1);
            INDArray rm = Nd4j.zeros(DataType.FLOAT, c), rv = Nd4j.ones(DataType.FLOAT, c);
            INDArray dG = Nd4j.zeros(DataType.FLOAT, c), dB = Nd4j.zeros(DataType.FLOAT, c);
            String shape = Arrays.toString(act.shape()).replace(" ", "");
            row("BatchNorm train", shape,
                    time(reps, true, () -> BatchNorm.forwardTrain(act, gamma, beta, rm, rv, 0.1, 1e-5, new BatchNorm.Cache())),
                    time(reps, true, () -> {
                        BatchNorm.Cache cache = new BatchNorm.Cache();
                        BatchNorm.forwardTrain(act, gamma, beta, rm, rv, 0.1, 1e-5, cache);
                        BatchNorm.backward(dAct, gamma, cache, dG, dB);
                    }));
            System.out.println("  (BatchNorm bwd row = forwardTrain + backward)");
            row("BatchNorm inference", shape,
                    time(reps, true, () -> BatchNorm.forwardInference(act, gamma, beta, rm, rv, 1e-5)), new double[2]);
            INDArray y = ELU.forward(act, 1.0);
            row("ELU", shape, time(reps, true, () -> ELU.forward(act, 1.0)),
                    time(reps, true, () -> ELU.backward(act, y, dAct, 1.0)));
            INDArray r = ReLU.forward(act);
            row("ReLU", shape, time(reps, true, () -> ReLU.forward(act)),
                    time(reps, true, () -> ReLU.backward(act, r, dAct)));
            INDArray mask = Dropout.sampleMask(act.shape(), 0.25, rng, DataType.FLOAT);
            row("Dropout sampleMask", shape,
                    time(reps, true, () -> Dropout.sampleMask(act.shape(), 0.25, rng, DataType.FLOAT)), new double[2]);
            row("Dropout", shape, time(reps, true, () -> Dropout.forward(act, mask)),
                    time(reps, true, () -> Dropout.backward(dAct, mask)));
            INDArray pooled = MaxPool2d.forward(act, 2, 2);
            INDArray dPooled = c == 32 ? dP1 : dP2;
            row("MaxPool2d 2/2", shape, time(reps, true, () -> MaxPool2d.forward(act, 2, 2)),
                    time(reps, true, () -> MaxPool2d.backward(act, pooled, dPooled, 2, 2)));
            row("AvgPool2d 2/2", shape, time(reps, true, () -> AvgPool2d.forward(act, 2, 2)),
                    time(reps, true, () -> AvgPool2d.backward(act, pooled, dPooled, 2, 2)));
        }
        row("Flatten", "[128,64,5,5]", time(reps, true, () -> Flatten.forward(dP2)),
                time(reps, true, () -> Flatten.backward(dP2, f)));
        row("Dense 1600->512", "[128,1600]", time(reps, true, () -> Dense.forward(f, net.w3, net.b3)),
                time(reps, true, () -> Dense.backward(f, net.w3, dH, dw3, db3, true)));
        INDArray e3 = ELU.forward(h, 1.0);
        row("ELU", "[128,512]", time(reps, true, () -> ELU.forward(h, 1.0)),
                time(reps, true, () -> ELU.backward(h, e3, dH, 1.0)));
        row("Dense 512->10", "[128,512]", time(reps, true, () -> Dense.forward(h, net.w4, net.b4)),
                time(reps, true, () -> Dense.backward(h, net.w4, dLogits, dw4, db4, true)));
        INDArray sm = Softmax.forward(dLogits);
        row("Softmax", "[128,10]", time(reps, true, () -> Softmax.forward(dLogits)),
                time(reps, true, () -> Softmax.backward(dLogits, sm, dLogits)));

    }
}
