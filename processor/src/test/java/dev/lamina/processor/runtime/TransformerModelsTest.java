package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.processor.testing.Models;
import dev.lamina.processor.testing.Transformers;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Transformer models declared in the DSL (issue 13) through the whole processor, run in DOUBLE: every
 * parameter's gradient against central finite differences, with and without the rewrites, of a
 * Pre-LN ViT encoder over patches and of a GPT-style causal decoder over token ids (logits per
 * position, checked on the weighted sum {@code sum(forward(x) * r)} as {@code BlockModelsTest} does),
 * with attention dropout held fixed by re-seeding; and what a model of token ids accepts.
 */
class TransformerModelsTest {
    private static final double EPS = 1e-6;

    /** The generated class of {@code members}, compiled with the rewrites on or off. */
    private static Class<?> compile(String name, String sequentialArgs, String[] members, boolean rewrite)
            throws ClassNotFoundException {
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor())
                .withOptions("-Alamina.rewrite=" + rewrite)
                .compile(Models.model(name, sequentialArgs, members));
        assertThat(compilation).succeededWithoutWarnings();
        return new GeneratedClassLoader(compilation).loadClass("test.Lamina" + name);
    }

    private static Model create(Class<?> generated, long seed) throws ReflectiveOperationException {
        return (Model) generated.getMethod("create", long.class, DataType.class).invoke(null, seed, DataType.DOUBLE);
    }

    /** Uniform in [-0.5, 0.5), DOUBLE, from {@code seed}. */
    private static INDArray uniform(long seed, long... shape) {
        Random random = new Random(seed);
        double[] values = new double[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() - 0.5;
        }
        return Nd4j.create(values, shape, 'c');
    }

    /** Token ids in [0, vocabulary), INT {@code [n, t]}, from {@code seed}. */
    private static INDArray ids(long seed, int n, int t, int vocabulary) {
        Random random = new Random(seed);
        int[][] ids = new int[n][t];
        for (int[] row : ids) {
            for (int j = 0; j < t; j++) {
                row[j] = random.nextInt(vocabulary);
            }
        }
        return Nd4j.createFromArray(ids);
    }

    @Test
    void visionTransformerEncoder_gradientsMatchFiniteDifferences() throws Exception {
        for (boolean rewrite : new boolean[] {false, true}) {
            Model model = create(compile("Vit", Transformers.VIT_INPUT, Transformers.VIT, rewrite), 1);
            assertThat(model.outputShape()).isEqualTo(new int[] {3});
            assertGradientsMatch(model, uniform(2, 3, 1, 8, 8), "Vit, rewrites " + rewrite);
        }
    }

    @Test
    void causalDecoderOverTokens_gradientsMatchFiniteDifferences() throws Exception {
        for (boolean rewrite : new boolean[] {false, true}) {
            Model model = create(compile("Gpt", Transformers.GPT_INPUT, Transformers.GPT, rewrite), 1);
            assertThat(model.outputShape()).isEqualTo(new int[] {5, 7});
            assertGradientsMatch(model, ids(2, 3, 5, 7), "Gpt, rewrites " + rewrite);
        }
    }

    /** A signal [C, L] averaged over L (axis 2 of the batch), and LayerNorm and SiLU on vectors. */
    @Test
    void signalAndVectorLayers_gradientsMatchFiniteDifferences() throws Exception {
        Model signal = create(compile("Signal", "input = {3, 10}", new String[] {
            "@GELU(approximate = GELU.Approximation.TANH) Layer gelu();",
            "@GlobalAvgPool1d Layer pool();",
            "@Dense(4) Layer hidden();",
            "@LayerNorm(eps = 1e-3) Layer ln();",
            "@SiLU Layer silu();",
            "@Dense(2) Layer out();"}, true), 1);
        assertThat(signal.layers().get(1).outputShape()).isEqualTo(new int[] {3});
        assertGradientsMatch(signal, uniform(2, 4, 3, 10).mul(4), "Signal");
    }

    /** A 1-D CNN: convolutions (VALID, and SAME with stride 2), max pooling, BatchNorm and ReLU on signals. */
    @Test
    void signalConvolutionNetwork_gradientsMatchFiniteDifferences() throws Exception {
        String[] members = {
            "@Conv1d(filters = 3, kernel = 3) Layer conv1();",
            "@MaxPool1d(value = 3, stride = 2) Layer pool();",
            "@Conv1d(filters = 4, kernel = 3, stride = 2, padding = Padding.SAME, bias = false) Layer conv2();",
            "@BatchNorm Layer bn();",
            "@ReLU Layer relu();",
            "@GlobalAvgPool1d Layer gap();",
            "@Dense(2) Layer out();"};
        for (boolean rewrite : new boolean[] {false, true}) {
            Model model = create(compile("SignalCnn", "input = {2, 16}", members, rewrite), 1);
            assertThat(model.layers().get(2).outputShape()).isEqualTo(new int[] {4, 3}); // 16 -> 14 -> 6 -> 3
            assertGradientsMatch(model, uniform(2, 4, 2, 16).mul(4), "SignalCnn, rewrites " + rewrite);
        }
    }

    @Test
    void attentionDropout_gradientsMatchFiniteDifferencesWithTheSameMasks() throws Exception {
        String[] members = Arrays.stream(Transformers.GPT)
                .map(m -> m.replace("causal = true)", "causal = true, dropout = 0.2)"))
                .toArray(String[]::new);
        assertThat(String.join("\n", members)).contains("dropout = 0.2");
        Model model = create(compile("GptDropout", Transformers.GPT_INPUT, members, true), 1);
        INDArray x = ids(2, 3, 5, 7);

        model.seedDropout(9);
        INDArray first = model.forward(x, true);
        model.seedDropout(9);
        assertThat(model.forward(x, true).equalsWithEps(first, 0)).isTrue();
        assertThat(model.forward(x, true).equalsWithEps(first, 1e-12)).isFalse(); // new masks
        assertGradientsMatch(model, x, "GptDropout");
    }

    /** The generated inference pass (rewrites on) gives what the declared layers give, with dropout off. */
    @Test
    void inferencePassesWithAndWithoutRewritesAgree() throws Exception {
        String[] members = Arrays.stream(Transformers.VIT)
                .map(m -> m.replace("(heads = 2)", "(heads = 2, dropout = 0.3)"))
                .toArray(String[]::new);
        Model rewritten = create(compile("VitDropout", Transformers.VIT_INPUT, members, true), 6);
        Model declared = create(compile("VitDropout", Transformers.VIT_INPUT, members, false), 6);
        INDArray x = uniform(8, 5, 1, 8, 8);

        INDArray expected = declared.forward(x, false);
        assertThat(rewritten.forward(x, false).equalsWithEps(expected, 1e-12)).isTrue();
        assertThat(declared.forward(x, false).equalsWithEps(expected, 0)).isTrue(); // no mask outside training
        assertThat(declared.forward(x, true).equalsWithEps(expected, 1e-6)).isFalse();
    }

    /** Later positions do not change the logits of earlier ones in a causal decoder. */
    @Test
    void causalDecoderIgnoresLaterTokens() throws Exception {
        Model model = create(compile("Gpt", Transformers.GPT_INPUT, Transformers.GPT, true), 4);
        INDArray x = Nd4j.createFromArray(new int[][] {{1, 2, 3, 4, 5}});
        INDArray changed = Nd4j.createFromArray(new int[][] {{1, 2, 3, 6, 0}});

        INDArray a = model.forward(x, false);
        INDArray b = model.forward(changed, false);

        INDArray firstThree = a.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3));
        assertThat(firstThree.equalsWithEps(b.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)), 1e-12)).isTrue();
        assertThat(a.equalsWithEps(b, 1e-6)).isFalse();
    }

    @Test
    void tokenModelTakesIntAndLongIdsAndNamesWhatItRejects() throws Exception {
        Model model = create(compile("Gpt", Transformers.GPT_INPUT, Transformers.GPT, true), 1);
        INDArray ints = ids(2, 2, 5, 7);

        INDArray fromInts = model.forward(ints, false);
        INDArray fromLongs = model.forward(ints.castTo(DataType.INT64), false);
        assertThat(fromInts.shape()).isEqualTo(new long[] {2, 5, 7});
        assertThat(fromLongs.equalsWithEps(fromInts, 0)).isTrue();

        IllegalArgumentException floats = assertThrows(IllegalArgumentException.class,
                () -> model.forward(ints.castTo(DataType.DOUBLE), true));
        assertThat(floats).hasMessageThat().isEqualTo("input of Gpt holds DOUBLE values, but Gpt takes token ids: an"
                + " INT or LONG array [N, 5] (N sequences of 5 ids)");
        INDArray outOfRange = Nd4j.createFromArray(new int[][] {{1, 2, 3, 7, 0}});
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> model.forward(outOfRange, false));
        assertThat(id).hasMessageThat().contains("7");
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> model.forward(Nd4j.createFromArray(new int[][] {{1, 2, 3}}), false));
        assertThat(shape).hasMessageThat().contains("expects examples of shape [5]");
    }

    /**
     * Every parameter's analytic gradient of {@code sum(forward(x) * r)} against central differences
     * at a few entries; dropout masks are the same in every pass (re-seeded before each).
     */
    private static void assertGradientsMatch(Model model, INDArray x, String what) {
        Function<INDArray, INDArray> forward = input -> {
            model.seedDropout(5);
            return model.forward(input, true);
        };
        INDArray probe = forward.apply(x);
        INDArray r = uniform(3, probe.shape());

        model.zeroGrad();
        forward.apply(x);
        model.backward(r);
        Random pick = new Random(4);
        List<Parameter> parameters = model.parameters();
        assertThat(parameters).isNotEmpty();
        for (Parameter p : parameters) {
            INDArray flat = p.value().reshape(p.value().length());
            INDArray grad = p.grad().dup().reshape(p.grad().length());
            assertWithMessage("%s of %s has a gradient", p.name(), what).that(grad.amaxNumber().doubleValue())
                    .isGreaterThan(0.0);
            for (int k = 0; k < Math.min(4, flat.length()); k++) {
                long i = pick.nextInt((int) flat.length());
                double saved = flat.getDouble(i);
                flat.putScalar(i, saved + EPS);
                double up = forward.apply(x).mul(r).sumNumber().doubleValue();
                flat.putScalar(i, saved - EPS);
                double down = forward.apply(x).mul(r).sumNumber().doubleValue();
                flat.putScalar(i, saved);
                double numeric = (up - down) / (2 * EPS);
                assertWithMessage("%s[%s] of %s", p.name(), i, what)
                        .that(grad.getDouble(i)).isWithin(1e-7 + 1e-5 * Math.abs(numeric)).of(numeric);
            }
        }
    }
}
