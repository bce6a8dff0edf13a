package dev.lamina.bench;

import dev.lamina.runtime.kernel.BatchNormActivation;
import dev.lamina.runtime.kernel.Conv2d;
import dev.lamina.runtime.train.StepWorkspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times Conv2d's two FLOAT paths for first layers against each other: im2col and gemm
 * ({@code -Dlamina.directConv=false}, set and cleared here between calls) and the direct convolution, on
 * the seed network's conv1 ({@code [N, 1, 28, 28] * [32, 1, 3, 3]}, 9 taps, the direct path's cut) and
 * an RGB layer ({@code [N, 3, 32, 32] * [32, 3, 3, 3]}, 27 taps, measured slower direct), forward only:
 * backward is always im2col and gemm's (a direct weight gradient measured no faster and was removed).
 * Each call runs in a reused workspace, as in training; the two paths alternate round by round; the table gives the median over the timed calls, in
 * ms, and im2col / direct. Run it on an idle machine:
 * <pre>
 * mvn -B -ntp -o -q -Pbench -pl bench -am -DskipTests package
 * OMP_WAIT_POLICY=PASSIVE java -Xmx2g --add-modules jdk.incubator.vector \
 *   -cp bench/target/classes:$(cat bench/target/bench.classpath) dev.lamina.bench.ConvProbe [--batch 128] [--reps 50] [--warmup 20]
 * </pre>
 */
public final class ConvProbe {
    private ConvProbe() {}

    private static final String SWITCH = "lamina.directConv";

    private interface Call {
        void run();
    }

    public static void main(String[] args) {
        int batch = 128, reps = 50, warmup = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --batch N, --reps N, --warmup N");
            }
        }
        System.out.printf(Locale.ROOT, "ConvProbe: batch %d, %d warm-up and %d timed calls per path, loops: %s%n",
                batch, warmup, reps, BatchNormActivation.loops());
        System.out.printf(Locale.ROOT, "%-34s %-20s %10s %10s %8s%n", "case", "pass", "im2col ms", "direct ms",
                "ratio");
        probe("conv1 [N,1,28,28]*[32,1,3,3]", batch, 1, 28, 32, reps, warmup);
        probe("rgb [N,3,32,32]*[32,3,3,3]", batch, 3, 32, 32, reps, warmup);
    }

    private static void probe(String name, int n, int c, int size, int f, int reps, int warmup) {
        int out = size - 2;
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, c, size, size);
        INDArray w = Nd4j.randn(DataType.FLOAT, f, c, 3, 3).muli(0.3);
        Conv2d.Geometry g = Conv2d.Geometry.stride(1).output(out, out);
        StepWorkspace workspace = new StepWorkspace("conv-probe");
        row(name, "forward", workspace, reps, warmup, () -> Conv2d.forward(x, w, null, g));
    }

    private static void row(String name, String pass, StepWorkspace workspace, int reps, int warmup, Call call) {
        List<Double> im2col = new ArrayList<>(), direct = new ArrayList<>();
        for (int r = 0; r < warmup + reps; r++) {
            for (boolean useDirect : new boolean[] {false, true}) {
                System.setProperty(SWITCH, Boolean.toString(useDirect));
                double ms = time(workspace, call);
                if (r >= warmup) {
                    (useDirect ? direct : im2col).add(ms);
                }
            }
        }
        System.clearProperty(SWITCH);
        double a = Stats.median(im2col), b = Stats.median(direct);
        System.out.printf(Locale.ROOT, "%-34s %-20s %10.3f %10.3f %7.2fx%n", name, pass, a, b, a / b);
    }

    private static double time(StepWorkspace workspace, Call call) {
        try (MemoryWorkspace ignored = workspace.open()) {
            long start = System.nanoTime();
            call.run();
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
