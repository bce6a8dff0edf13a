package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.processor.testing.Models;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The generated seed network computes what it computed before the processor was restructured: at
 * fixed weights (seed 42, DOUBLE) and a fixed input batch, its inference output, training output
 * (seeded dropout), and every parameter's gradient after one backward pass (summarised), against values recorded
 * with the generator of commit 2864c17 in {@code reference/seed-net-<options>.txt}. With
 * {@code -Dlamina.recordReference=DIR} the test writes the values there instead (to re-record after a
 * deliberate change of numerics).
 */
class SeedNetReferenceOutputsTest {
    private static final String SEQUENTIAL = "input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY";
    private static final double TOLERANCE = 1e-9;

    @ParameterizedTest
    @ValueSource(strings = {"rewrites", "no-rewrites"})
    void seedNetMatchesRecordedOutputs(String variant) throws Exception {
        Compilation c = Compiler.javac().withProcessors(new LaminaProcessor())
                .withOptions("-Alamina.rewrite=" + variant.equals("rewrites"))
                .compile(Models.model("SeedNet", SEQUENTIAL, Models.SEED_LAYERS));
        assertThat(c).succeeded();
        Model model = (Model) new GeneratedClassLoader(c).loadClass("test.LaminaSeedNet")
                .getMethod("create", long.class, DataType.class).invoke(null, 42L, DataType.DOUBLE);

        Map<String, double[]> values = run(model);
        String file = "seed-net-" + variant + ".txt";
        String recordDir = System.getProperty("lamina.recordReference");
        if (recordDir != null) {
            Files.writeString(Path.of(recordDir, file), render(values), StandardCharsets.UTF_8);
            return;
        }
        Map<String, double[]> recorded = parse(resource("/reference/" + file));
        assertWithMessage("recorded tensors").that(values.keySet()).containsExactlyElementsIn(recorded.keySet());
        for (var entry : recorded.entrySet()) {
            double[] expected = entry.getValue();
            double[] actual = values.get(entry.getKey());
            double maxDiff = 0;
            for (int i = 0; i < expected.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i])));
            }
            assertWithMessage("%s: max relative difference %s", entry.getKey(), maxDiff)
                    .that(maxDiff).isAtMost(TOLERANCE);
        }
    }

    /** Inference and training outputs, then the gradient of every parameter for a fixed upstream gradient. */
    private static Map<String, double[]> run(Model model) {
        Nd4j.getRandom().setSeed(7);
        INDArray input = Nd4j.rand(DataType.DOUBLE, 4, 1, 28, 28);
        INDArray dOutput = Nd4j.rand(DataType.DOUBLE, 4, 10).subi(0.5);
        Map<String, double[]> values = new LinkedHashMap<>();
        values.put("inference", model.forward(input, false).dup().data().asDouble());
        model.seedDropout(11);
        values.put("training", model.forward(input, true).dup().data().asDouble());
        model.zeroGrad();
        model.backward(dOutput);
        for (Parameter p : model.parameters()) {
            values.put("grad " + p.name(), summary(p.grad().dup().data().asDouble()));
        }
        values.put("inference after a training forward", model.forward(input, false).dup().data().asDouble());
        return values;
    }

    /**
     * A tensor too large to keep whole (fc1's weight gradient has 819,200 values): its sum, sum of
     * absolute values and sum of squares, then 32 elements spread evenly over it.
     */
    private static double[] summary(double[] v) {
        int samples = Math.min(32, v.length);
        double[] s = new double[3 + samples];
        for (double d : v) {
            s[0] += d;
            s[1] += Math.abs(d);
            s[2] += d * d;
        }
        for (int i = 0; i < samples; i++) {
            s[3 + i] = v[(int) ((long) i * v.length / samples)];
        }
        return s;
    }

    private static String render(Map<String, double[]> values) {
        StringBuilder s = new StringBuilder();
        values.forEach((name, v) -> {
            s.append(name).append('\n');
            for (double d : v) {
                s.append(String.format(Locale.ROOT, "%.17g", d)).append('\n');
            }
            s.append('\n');
        });
        return s.toString();
    }

    private static Map<String, double[]> parse(String text) {
        Map<String, double[]> values = new LinkedHashMap<>();
        for (String block : text.split("\n\n")) {
            String[] lines = block.strip().split("\n");
            List<Double> numbers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                numbers.add(Double.parseDouble(lines[i]));
            }
            values.put(lines[0], numbers.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return values;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SeedNetReferenceOutputsTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
