package dev.lamina.bench;

import dev.lamina.runtime.Natives;
import dev.lamina.runtime.kernel.BatchNormActivation;
import dev.lamina.runtime.kernel.MaxPool2d;
import dev.lamina.runtime.kernel.PoolGeometry;
import dev.lamina.runtime.train.StepWorkspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times Lamina's Java max pooling ({@link MaxPool2d}, NaN-propagating) against libnd4j's {@code maxpool2d}
 * and {@code maxpool2d_bp} ops (oneDNN on the default natives), which {@code MaxPool2d} ran on before it
 * propagated NaN, at the seed network's shapes: FLOAT {@code [128, 32, 26, 26]} and
 * {@code [128, 64, 11, 11]}, 2x2 windows, stride 2. One JVM; each case is warmed up, then the four
 * variants run interleaved, {@code reps} times each, and the median and minimum are printed with the
 * ratio Java / libnd4j (below 1: Java is faster). Each call runs in a reused workspace, as in training
 * (outside one, the page faults of each fresh output dominated the times). The inputs are Gaussian with
 * 20% zeros (the seed network pools dropout's output, whose zeros tie), and the two sides' outputs are
 * compared once.
 *
 * <pre>
 * java -Xmx2g --add-modules jdk.incubator.vector -cp bench/target/classes:$(cat bench/target/bench.classpath) \
 *   dev.lamina.bench.PoolProbe [reps, default 50] [warm-up calls, default 30]
 * </pre>
 */
public final class PoolProbe {
    private PoolProbe() {}

    /** libnd4j's integer arguments: kH, kW, sH, sW, pH, pW, dH, dW, VALID, (avg divisor), NCHW. */
    private static final int[] ARGS_2X2 = {2, 2, 2, 2, 0, 0, 1, 1, 0, 1, 0};

    static INDArray nativeForward(INDArray x) {
        INDArray y = Nd4j.createUninitialized(x.dataType(), new long[] {x.size(0), x.size(1), x.size(2) / 2,
            x.size(3) / 2}, 'c');
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(x).addOutputs(y).addIntegerArguments(ARGS_2X2)
                .build());
        return y;
    }

    static INDArray nativeBackward(INDArray x, INDArray dy) {
        INDArray dx = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(x, dy).addOutputs(dx)
                .addIntegerArguments(ARGS_2X2).build());
        return dx;
    }

    private static INDArray input(long seed, long... shape) {
        Random random = new Random(seed);
        float[] v = new float[(int) product(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble() < 0.2 ? 0f : (float) random.nextGaussian();
        }
        return Nd4j.create(v, shape, 'c');
    }

    private static long product(long... shape) {
        long p = 1;
        for (long s : shape) {
            p *= s;
        }
        return p;
    }

    /** The workspace each timed call runs in, as a training step's kernels do. */
    private static final StepWorkspace WORKSPACE = new StepWorkspace("pool-probe");

    @SuppressWarnings("try")
    private static double millis(Supplier<INDArray> call) {
        try (MemoryWorkspace ignored = WORKSPACE.open()) {
            long t0 = System.nanoTime();
            INDArray out = call.get();
            long t1 = System.nanoTime();
            if (out.length() == 0) {
                throw new AssertionError();
            }
            return (t1 - t0) / 1e6;
        }
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        System.out.printf(Locale.ROOT, "Max pooling 2x2/2, FLOAT: Java (MaxPool2d) vs libnd4j maxpool2d(_bp); natives: %s;"
                + " %d cores, ND4J threads %d, OMP_NUM_THREADS=%s; java %s; loops: %s; %d reps after %d warm-up%n",
                Natives.describe(), Runtime.getRuntime().availableProcessors(), Nd4j.getEnvironment().maxThreads(),
                System.getenv("OMP_NUM_THREADS"), System.getProperty("java.version"), BatchNormActivation.loops(),
                reps, warmUp);
        System.out.printf(Locale.ROOT, "%-18s %-8s %12s %12s %12s %12s %8s%n", "x", "pass", "libnd4j med",
                "Java med", "libnd4j min", "Java min", "ratio");
        for (long[] shape : new long[][] {{128, 32, 26, 26}, {128, 64, 11, 11}}) {
            INDArray x = input(1, shape);
            PoolGeometry g = PoolGeometry.window(2).stride(2).output((int) shape[2] / 2, (int) shape[3] / 2);
            INDArray y = MaxPool2d.forward(x, g);
            INDArray dy = input(2, y.shape());
            boolean sameY = y.equals(nativeForward(x));
            boolean sameDx = MaxPool2d.backward(x, y, dy, g).equals(nativeBackward(x, dy));
            List<Supplier<INDArray>> calls = List.of(() -> nativeForward(x), () -> MaxPool2d.forward(x, g),
                    () -> nativeBackward(x, dy), () -> MaxPool2d.backward(x, y, dy, g));
            for (int i = 0; i < warmUp; i++) {
                calls.forEach(PoolProbe::millis);
            }
            List<List<Double>> times = new ArrayList<>();
            calls.forEach(c -> times.add(new ArrayList<>()));
            for (int r = 0; r < reps; r++) {
                for (int k = 0; k < calls.size(); k++) {
                    times.get(k).add(millis(calls.get(k)));
                }
            }
            String name = Arrays.toString(shape).replace(" ", "");
            for (int pass = 0; pass < 2; pass++) {
                Stats lib = Stats.of(times.get(2 * pass)), java = Stats.of(times.get(2 * pass + 1));
                System.out.printf(Locale.ROOT, "%-18s %-8s %12.3f %12.3f %12.3f %12.3f %8.2f%n", name,
                        pass == 0 ? "forward" : "backward", lib.median(), java.median(), lib.min(), java.min(),
                        java.median() / lib.median());
            }
            System.out.printf(Locale.ROOT, "%-18s outputs equal libnd4j's: y %s, dx %s%n", name, sameY, sameDx);
        }
    }
}
