package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.model;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.processor.testing.Models;
import dev.lamina.runtime.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A NaN pixel reaches the logits of its example, as in PyTorch, through max pooling (which libnd4j's and
 * oneDNN's pooling dropped, giving finite, confident outputs): in training and in inference, where the
 * rewrites fold BatchNorm into the convolution and move the max pool before the activation. The other
 * examples of the batch stay finite in inference (no batch statistics there).
 */
class GeneratedModelNanTest {
    private static final String[] RELU_NET = {
        "@Conv2d(filters = 3, kernel = 3) Layer conv();",
        "@BatchNorm Layer bn();",
        "@ReLU Layer act();",
        "@MaxPool2d(2) Layer pool();",
        "@Flatten Layer flatten();",
        "@Dense(4) Layer logits();",
    };

    private static Model create(String name, String input, String[] layers, boolean rewrite, DataType type)
            throws ReflectiveOperationException {
        List<String> options = new ArrayList<>();
        LintRules.all().forEach(r -> options.add("-Alamina.lint." + r.id() + "=OFF"));
        options.add("-Alamina.rewrite=" + rewrite);
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).withOptions(options)
                .compile(model(name, input, layers));
        assertThat(compilation).succeeded();
        Class<?> generated = new GeneratedClassLoader(compilation).loadClass("test.Lamina" + name);
        return (Model) generated.getMethod("create", long.class, DataType.class).invoke(null, 5L, type);
    }

    /** Three examples of one channel, the second with a NaN at (row, col). */
    private static INDArray batchWithNan(DataType type, int side, int row, int col) {
        Random random = new Random(3);
        INDArray x = Nd4j.create(DataType.DOUBLE, 3, 1, side, side);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, random.nextGaussian());
        }
        x.putScalar(new long[] {1, 0, row, col}, Double.NaN);
        return x.castTo(type);
    }

    private static void assertNanOnlyIn(String what, INDArray logits, boolean othersFinite) {
        for (int n = 0; n < logits.size(0); n++) {
            for (double v : logits.getRow(n).toDoubleVector()) {
                if (n == 1) {
                    assertWithMessage(what + ": the NaN example's logits").that(Double.isNaN(v)).isTrue();
                } else if (othersFinite) {
                    assertWithMessage(what + ": example " + n + "'s logits").that(Double.isFinite(v)).isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"seed, FLOAT, true", "seed, DOUBLE, true", "seed, FLOAT, false", "relu, FLOAT, true",
        "relu, DOUBLE, true", "relu, FLOAT, false"})
    void aNanPixelGivesNanLogits(String net, DataType type, boolean rewrite) throws Exception {
        boolean seed = net.equals("seed");
        Model model = seed ? create("Seed", "input = {1, 28, 28}", Models.SEED_LAYERS, rewrite, type)
                : create("ReluNet", "input = {1, 8, 8}", RELU_NET, rewrite, type);
        INDArray x = seed ? batchWithNan(type, 28, 14, 9) : batchWithNan(type, 8, 3, 4);
        String what = net + " " + type + (rewrite ? " rewritten" : "");

        // Inference first: a training pass takes the NaN into BatchNorm's running statistics.
        assertNanOnlyIn(what + " inference", model.forward(x, false), true);
        assertNanOnlyIn(what + " training", model.forward(x, true), false);
    }
}
