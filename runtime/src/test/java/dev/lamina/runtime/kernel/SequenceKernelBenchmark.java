package dev.lamina.runtime.kernel;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times the token-sequence kernels at the shapes of issue 13's small ViT at batch 128 (16 tokens of
 * width 64, 4 heads, MLP width 256), FLOAT, each call in a reused workspace ({@link KernelBenchmark#time}),
 * and reports process CPU time too, which a busy machine disturbs less than wall time.
 *
 * <p>Not a unit test. Run as {@link KernelBenchmark} says, with this class's name:
 * {@code java -cp ... dev.lamina.runtime.kernel.SequenceKernelBenchmark [reps]}.
 */
public final class SequenceKernelBenchmark {
    private SequenceKernelBenchmark() {}

    private static INDArray rand(long... shape) {
        return Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
    }

    /**
     * Times forward, then backward. Forward runs once more outside any workspace before backward, so
     * that the caches backward reads are not workspace arrays of an earlier cycle.
     */
    private static void row(String name, int reps, KernelBenchmark.Body forward, KernelBenchmark.Body backward) {
        double[] f = KernelBenchmark.time(reps, true, forward);
        double fCpu = KernelBenchmark.cpuTime(reps, forward);
        forward.run();
        double[] b = KernelBenchmark.time(reps, true, backward);
        double bCpu = KernelBenchmark.cpuTime(reps, backward);
        System.out.printf(Locale.ROOT, "%-28s fwd %7.2f (min %6.2f, cpu %6.2f)   bwd %7.2f (min %6.2f, cpu %6.2f) ms%n",
                name, f[0], f[1], fCpu, b[0], b[1], bCpu);
    }

    /**
     * Prints one line per kernel.
     *
     * @param args optional repetitions (default 30)
     */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int n = 128, t = 16, d = 64, heads = 4, mlp = 256;
        System.out.printf(Locale.ROOT, "batch %d, %d tokens, width %d, %d heads; OMP_NUM_THREADS=%s%n", n, t, d, heads,
                System.getenv("OMP_NUM_THREADS"));
        INDArray x = rand(n, t, d), dy = rand(n, t, d);

        INDArray gamma = rand(d).addi(1), beta = rand(d), dG = Nd4j.zeros(DataType.FLOAT, d), dB = dG.dup();
        LayerNorm.Cache ln = new LayerNorm.Cache();
        row("LayerNorm [128,16,64]", reps, () -> LayerNorm.forward(x, gamma, beta, 1e-5, ln),
                () -> LayerNorm.backward(dy, gamma, ln, dG, dB));

        INDArray[] w = new INDArray[8];
        INDArray[] g = new INDArray[8];
        for (int i = 0; i < 8; i++) {
            w[i] = i % 2 == 0 ? rand(d, d).muli(0.25) : rand(d);
            g[i] = Nd4j.zeros(DataType.FLOAT, w[i].shape());
        }
        MultiHeadAttention.Cache att = new MultiHeadAttention.Cache();
        INDArray mask = Dropout.sampleMask(new long[] {n, heads, t, t}, 0.1, Nd4j.getRandom(), DataType.FLOAT);
        for (boolean causal : new boolean[] {false, true}) {
            for (INDArray m : new INDArray[] {null, mask}) {
                row("MHA" + (causal ? " causal" : "") + (m == null ? "" : " dropout"), reps,
                        () -> MultiHeadAttention.forward(x, w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], heads, causal,
                                m, att),
                        () -> MultiHeadAttention.backward(dy, w[0], w[2], w[4], w[6], att, g[0], g[1], g[2], g[3], g[4],
                                g[5], g[6], g[7], true));
            }
        }

        INDArray w1 = rand(d, mlp).muli(0.2), b1 = rand(mlp), dw1 = Nd4j.zeros(DataType.FLOAT, d, mlp);
        INDArray db1 = Nd4j.zeros(DataType.FLOAT, mlp), h = rand(n, t, mlp), dh = rand(n, t, mlp);
        row("Dense [128,16,64]x[64,256]", reps, () -> Dense.forward(x, w1, b1),
                () -> Dense.backward(x, w1, dh, dw1, db1, true));
        INDArray gy = GELU.forward(h);
        row("GELU [128,16,256]", reps, () -> GELU.forward(h), () -> GELU.backward(h, gy, dh));
        INDArray gty = GELU.forward(h, GELU.Approximation.TANH);
        row("GELU tanh [128,16,256]", reps, () -> GELU.forward(h, GELU.Approximation.TANH),
                () -> GELU.backward(h, gty, dh, GELU.Approximation.TANH));
        INDArray sy = SiLU.forward(h);
        row("SiLU [128,16,256]", reps, () -> SiLU.forward(h), () -> SiLU.backward(h, sy, dh));
        INDArray ey = ELU.forward(h, 1.0);
        row("ELU [128,16,256] (for scale)", reps, () -> ELU.forward(h, 1.0), () -> ELU.backward(h, ey, dh, 1.0));

        INDArray images = rand(n, 1, 28, 28);
        INDArray patches = Patches.forward(images, 7);
        row("Patches 7x7 of [128,1,28,28]", reps, () -> Patches.forward(images, 7),
                () -> Patches.backward(images, patches, 7));
        INDArray table = rand(t, d), dTable = Nd4j.zeros(DataType.FLOAT, t, d);
        row("PositionalEmbedding", reps, () -> PositionalEmbedding.forward(x, table),
                () -> PositionalEmbedding.backward(dy, dTable));
        INDArray pooled = rand(n, d);
        row("GlobalAvgPool1d tokens", reps, () -> GlobalAvgPool1d.forward(x, 1),
                () -> GlobalAvgPool1d.backward(x, pooled, 1));
        INDArray ids = Nd4j.createFromArray(new int[n][t]);
        INDArray vocab = rand(1000, d), dVocab = Nd4j.zeros(DataType.FLOAT, 1000, d);
        row("Embedding V=1000", reps, () -> Embedding.forward(ids, vocab), () -> Embedding.backward(ids, dy, dVocab));
    }
}
