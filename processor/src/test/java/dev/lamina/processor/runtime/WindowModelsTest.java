package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.model;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.io.IOException;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A small image model with non-square kernels, strides and windows and SAME-padded pooling, through
 * the whole processor and the runtime in DOUBLE: every parameter's gradient against central finite
 * differences with the rewrites off and on, and the rewritten inference pass (BatchNorm folded into the
 * convolution, the max pool moved before the activation) equal to the declared layers.
 */
class WindowModelsTest {
    private static final double EPS = 1e-6;

    /** [1, 7, 6] -> [3, 4, 6] -> [3, 4, 3] -> [3, 4, 3] -> [2, 4, 2] -> [3]. */
    private static final JavaFileObject WINDOWS = model("Windows", "input = {1, 7, 6}",
            "@Conv2d(filters = 3, kernel = {3, 1}, stride = {2, 1}, padding = Padding.SAME, bias = false)"
                    + " Layer conv1();",
            "@BatchNorm Layer bn1();",
            "@Tanh Layer act1();",
            "@MaxPool2d(value = {2, 3}, stride = {1, 2}, padding = Padding.SAME) Layer pool1();",
            "@AvgPool2d(value = {3, 2}, stride = 1, padding = Padding.SAME) Layer pool2();",
            "@Conv2d(filters = 2, kernel = {1, 2}) Layer conv2();",
            "@Flatten Layer flatten();",
            "@Dense(3) Layer fc();");

    private static Compilation compile(boolean rewrite) {
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor())
                .withOptions("-Alamina.rewrite=" + rewrite).compile(WINDOWS);
        assertThat(compilation).succeeded();
        return compilation;
    }

    private static Model create(Compilation compilation) throws ReflectiveOperationException {
        Class<?> generated = new GeneratedClassLoader(compilation).loadClass("test.LaminaWindows");
        return (Model) generated.getMethod("create", long.class, DataType.class).invoke(null, 1L, DataType.DOUBLE);
    }

    private static String source(Compilation compilation) throws IOException {
        return compilation.generatedSourceFile("test.LaminaWindows").orElseThrow().getCharContent(false).toString();
    }

    @Test
    void generatedCodeNamesEachAxis() throws IOException {
        String source = source(compile(false));
        assertThat(source).contains("Conv2d.Geometry.stride(2, 1).padding(1, 0).output(4, 6)");
        assertThat(source).contains("PoolGeometry.window(2, 3).stride(1, 2).padding(0, 0).output(4, 3)");
        assertThat(source).contains("PoolGeometry.window(3, 2).stride(1).padding(1, 0).output(4, 3)");
        assertThat(source).contains("// conv1: Conv2d 1->3, 3x1, stride 2x1, SAME (pad top 1, left 0), no bias");
        assertThat(source).contains("// pool2: AvgPool2d 3x2, stride 1, SAME (pad top 1, left 0)");
    }

    @Test
    void gradientsMatchFiniteDifferences() throws Exception {
        for (boolean rewrite : new boolean[] {false, true}) {
            Model model = create(compile(rewrite));
            INDArray x = uniform(2, 3, 1, 7, 6).sub(0.5);
            INDArray r = uniform(3, 3, 3).sub(0.5);

            model.zeroGrad();
            model.forward(x, true);
            model.backward(r);
            Random pick = new Random(4);
            for (Parameter p : model.parameters()) {
                INDArray flat = p.value().reshape(p.value().length());
                INDArray grad = p.grad().dup().reshape(p.grad().length());
                for (int k = 0; k < Math.min(6, flat.length()); k++) {
                    long i = pick.nextInt((int) flat.length());
                    double saved = flat.getDouble(i);
                    flat.putScalar(i, saved + EPS);
                    double up = model.forward(x, true).mul(r).sumNumber().doubleValue();
                    flat.putScalar(i, saved - EPS);
                    double down = model.forward(x, true).mul(r).sumNumber().doubleValue();
                    flat.putScalar(i, saved);
                    double numeric = (up - down) / (2 * EPS);
                    assertWithMessage("%s[%s] (rewrites %s)", p.name(), i, rewrite)
                            .that(grad.getDouble(i)).isWithin(1e-6 + 1e-5 * Math.abs(numeric)).of(numeric);
                }
            }
        }
    }

    @Test
    void rewrittenInferencePass_equalsTheDeclaredLayers() throws Exception {
        Compilation rewrittenCompilation = compile(true);
        assertThat(source(rewrittenCompilation)).contains("rewrite MaxPoolBeforeMonotoneActivation");
        assertThat(source(rewrittenCompilation)).contains("rewrite BatchNormFold");
        Model rewritten = create(rewrittenCompilation);
        Model declared = create(compile(false));
        INDArray x = uniform(5, 4, 1, 7, 6).sub(0.5);
        // Training passes move the running statistics away from their start, the same way in both.
        for (int step = 0; step < 2; step++) {
            rewritten.forward(x.mul(step + 2), true);
            declared.forward(x.mul(step + 2), true);
        }
        INDArray expected = declared.forward(x, false);
        INDArray actual = rewritten.forward(x, false);
        assertWithMessage("max |difference|").that(Transforms.abs(expected.sub(actual)).maxNumber().doubleValue())
                .isLessThan(1e-9);
    }

    /** Uniform in [0, 1), DOUBLE, from {@code seed}. */
    private static INDArray uniform(long seed, long... shape) {
        Random random = new Random(seed);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        double[] values = new double[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble();
        }
        return Nd4j.create(values, shape, 'c');
    }
}
