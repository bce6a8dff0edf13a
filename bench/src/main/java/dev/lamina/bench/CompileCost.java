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
 * The processor's compile-time cost per model: javac on the seed network's interface in this JVM
 * (javax.tools), with the Lamina processor (read, infer, lint, rewrite, generate, and compiling the
 * generated class) and without it ({@code -proc:none}, the interface alone). Each run is a fresh
 * compiler task into a fresh directory; the first runs warm the JIT and are dropped.
 */
final class CompileCost {
    private CompileCost() {}

    static final String SOURCE = String.join("\n",
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

    /** Median milliseconds with and without the processor. */
    record Result(double withProcessorMs, double withoutProcessorMs, int runs) {}

    static Result measure(int warmup, int runs) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no system Java compiler: run the benchmark on a JDK");
        }
        for (int i = 0; i < warmup; i++) {
            compile(javac, true);
            compile(javac, false);
        }
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            with.add(compile(javac, true));
            without.add(compile(javac, false));
        }
        return new Result(Stats.median(with), Stats.median(without), runs);
    }

    private static double compile(JavaCompiler javac, boolean withProcessor) {
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
            SimpleJavaFileObject source = new SimpleJavaFileObject(URI.create("string:///bench/SeedNet.java"),
                    SimpleJavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return SOURCE;
                }
            };
            long start = System.nanoTime();
            JavaCompiler.CompilationTask task = javac.getTask(null, null, d -> { }, options, null, List.of(source));
            if (withProcessor) {
                task.setProcessors(List.of(new LaminaProcessor()));
            }
            boolean ok = task.call();
            double ms = (System.nanoTime() - start) / 1e6;
            if (!ok) {
                throw new IllegalStateException("javac failed on the seed network");
            }
            if (withProcessor && !Files.exists(out.resolve("bench/LaminaSeedNet.class"))) {
                throw new IllegalStateException("the processor generated no LaminaSeedNet");
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
