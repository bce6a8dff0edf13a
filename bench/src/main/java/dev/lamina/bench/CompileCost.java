package dev.lamina.bench;

import dev.lamina.processor.LaminaProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * The processor's compile-time cost per model: javac on a model's interface ({@link #SEED_NET},
 * {@link #MNIST_RESNET} or {@link #MNIST_VIT}) in this JVM
 * (javax.tools), with the Lamina processor (read, infer, lint, rewrite, generate, and compiling the
 * generated class) and without it ({@code -proc:none}, the interface alone). Each run is a fresh
 * compiler task into a fresh directory; the first runs warm the JIT and are dropped.
 */
final class CompileCost {
    private CompileCost() {}

    /** The seed network, as the examples' {@code SeedNet}. */
    static final String SEED_NET = String.join("\n",
            "package bench;",
            "import dev.lamina.dsl.*;",
            "@Sequential(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "public interface SeedNet {",
            "    @Conv2d(filters = 32, kernel = 3) Layer conv1();",
            "    @BatchNorm Layer bn1();",
            "    @ELU Layer act1();",
            "    @Dropout(rate = 0.2) Layer drop1();",
            "    @MaxPool2d(2) Layer pool1();",
            "    @Conv2d(filters = 64, kernel = 3) Layer conv2();",
            "    @BatchNorm Layer bn2();",
            "    @ELU Layer act2();",
            "    @Dropout(rate = 0.3) Layer drop2();",
            "    @MaxPool2d(2) Layer pool2();",
            "    @Flatten Layer flatten();",
            "    @Dense(512) Layer fc1();",
            "    @ELU Layer act3();",
            "    @Dense(10) Layer logits();",
            "}");

    /** The MNIST ResNet, as the examples' {@code MnistResNet} without its comments. */
    static final String MNIST_RESNET = String.join("\n",
            "package bench;",
            "import dev.lamina.dsl.*;",
            "@Sequential(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "public interface MnistResNet {",
            "    @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();",
            "    @BatchNorm Layer bn1();",
            "    @ReLU Layer relu1();",
            "    @Repeat(value = Unit16.class, times = 1) Layer stage1();",
            "    @Residual(value = Down32.class, shortcut = Proj32.class) Layer down2();",
            "    @ReLU Layer relu2();",
            "    @Repeat(value = Unit32.class, times = 1) Layer stage2();",
            "    @Residual(value = Down64.class, shortcut = Proj64.class) Layer down3();",
            "    @ReLU Layer relu3();",
            "    @GlobalAvgPool2d Layer gap();",
            "    @Dense(10) Layer fc();",
            "    @Block interface Unit16 { @Residual(Basic16.class) Layer res(); @ReLU Layer relu(); }",
            "    @Block interface Basic16 {",
            "        @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();",
            "        @BatchNorm Layer bn1();",
            "        @ReLU Layer relu1();",
            "        @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
            "        @BatchNorm Layer bn2();",
            "    }",
            "    @Block interface Down32 {",
            "        @Conv2d(filters = 32, kernel = 3, stride = 2, padding = Padding.SAME, bias = false) Layer conv1();",
            "        @BatchNorm Layer bn1();",
            "        @ReLU Layer relu1();",
            "        @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
            "        @BatchNorm Layer bn2();",
            "    }",
            "    @Block interface Proj32 {",
            "        @SuppressWarnings(\"Lamina/StrictWindowTruncation\")",
            "        @Conv2d(filters = 32, kernel = 1, stride = 2, bias = false) Layer conv();",
            "        @BatchNorm Layer bn();",
            "    }",
            "    @Block interface Unit32 { @Residual(Basic32.class) Layer res(); @ReLU Layer relu(); }",
            "    @Block interface Basic32 {",
            "        @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();",
            "        @BatchNorm Layer bn1();",
            "        @ReLU Layer relu1();",
            "        @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
            "        @BatchNorm Layer bn2();",
            "    }",
            "    @Block interface Down64 {",
            "        @Conv2d(filters = 64, kernel = 3, stride = 2, padding = Padding.SAME, bias = false) Layer conv1();",
            "        @BatchNorm Layer bn1();",
            "        @ReLU Layer relu1();",
            "        @Conv2d(filters = 64, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
            "        @BatchNorm Layer bn2();",
            "    }",
            "    @Block interface Proj64 {",
            "        @SuppressWarnings(\"Lamina/StrictWindowTruncation\")",
            "        @Conv2d(filters = 64, kernel = 1, stride = 2, bias = false) Layer conv();",
            "        @BatchNorm Layer bn();",
            "    }",
            "}");

    /** The MNIST ViT, as the examples' {@code MnistViT} without its comments. */
    static final String MNIST_VIT = String.join("\n",
            "package bench;",
            "import dev.lamina.dsl.*;",
            "@Sequential(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "public interface MnistViT {",
            "    @Patches(size = 7) Layer patches();",
            "    @Dense(64) Layer embed();",
            "    @PositionalEmbedding Layer position();",
            "    @Repeat(value = EncoderUnit.class, times = 4) Layer encoder();",
            "    @LayerNorm Layer norm();",
            "    @GlobalAvgPool1d Layer pool();",
            "    @Dense(10) Layer head();",
            "    @Block interface EncoderUnit {",
            "        @Residual(AttentionBranch.class) Layer attention();",
            "        @Residual(MlpBranch.class) Layer mlp();",
            "    }",
            "    @Block interface AttentionBranch { @LayerNorm Layer ln(); @MultiHeadAttention(heads = 4) Layer attention(); }",
            "    @Block interface MlpBranch {",
            "        @LayerNorm Layer ln();",
            "        @Dense(128) Layer fc1();",
            "        @GELU Layer gelu();",
            "        @Dense(64) Layer fc2();",
            "    }",
            "}");

    /** Median milliseconds with and without the processor. */
    record Result(double withProcessorMs, double withoutProcessorMs, int runs) {}

    /**
     * @param name   the interface's simple name ({@code SeedNet}); the processor must generate {@code Lamina<name>}
     * @param source its source, in package {@code bench}
     */
    static Result measure(String name, String source, int warmup, int runs) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no system Java compiler: run the benchmark on a JDK");
        }
        for (int i = 0; i < warmup; i++) {
            compile(javac, name, source, true);
            compile(javac, name, source, false);
        }
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            with.add(compile(javac, name, source, true));
            without.add(compile(javac, name, source, false));
        }
        return new Result(Stats.median(with), Stats.median(without), runs);
    }

    private static double compile(JavaCompiler javac, String name, String source, boolean withProcessor) {
        Path out;
        try {
            out = Files.createTempDirectory("lamina-bench-javac");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-classpath",
                    System.getProperty("java.class.path"), "-s", out.toString()));
            if (!withProcessor) {
                options.add("-proc:none");
            }
            SimpleJavaFileObject file = new SimpleJavaFileObject(URI.create("string:///bench/" + name + ".java"),
                    SimpleJavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            long start = System.nanoTime();
            JavaCompiler.CompilationTask task = javac.getTask(null, null, d -> { }, options, null, List.of(file));
            if (withProcessor) {
                task.setProcessors(List.of(new LaminaProcessor()));
            }
            boolean ok = task.call();
            double ms = (System.nanoTime() - start) / 1e6;
            if (!ok) {
                throw new IllegalStateException("javac failed on " + name);
            }
            if (withProcessor && !Files.exists(out.resolve("bench/Lamina" + name + ".class"))) {
                throw new IllegalStateException("the processor generated no Lamina" + name);
            }
            return ms;
        } finally {
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A temporary directory left behind is harmless.
            }
        }
    }
}
