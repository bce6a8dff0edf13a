package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.model;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.dsl.Layer;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Models with blocks through the whole processor (read, shapes, lint, rewrites, generator) and the
 * runtime. The TinyResNet, scaled down, compiles without a warning, names its layers by their
 * nesting, learns, and resumes from a checkpoint to the same parameters as a run that never stopped;
 * an Inception module and DenseNet layers in a repeat compile without a warning and run forward and
 * backward.
 */
class BlockModelsEndToEndTest {
    private static final JavaFileObject TINY_RES_NET = model("TinyResNet", "input = {1, 6, 6}",
            "@Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();",
            "@BatchNorm Layer bn1();",
            "@ReLU Layer relu1();",
            "@Repeat(value = Unit4.class, times = 2) Layer stage1();",
            "@Residual(value = Down8.class, shortcut = Proj8.class) Layer down2();",
            "@ReLU Layer relu2();",
            "@GlobalAvgPool2d Layer gap();",
            "@Dense(3) Layer fc();",
            "@Block interface Unit4 { @Residual(Basic4.class) Layer res(); @ReLU Layer relu(); }",
            "@Block interface Basic4 {",
            "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv1();",
            "    @BatchNorm Layer bn1();",
            "    @ReLU Layer relu();",
            "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
            "    @BatchNorm Layer bn2();",
            "}",
            "@Block interface Down8 {",
            "    @Conv2d(filters = 8, kernel = 3, stride = 2, padding = Padding.SAME, bias = false) Layer conv1();",
            "    @BatchNorm Layer bn1();",
            "    @ReLU Layer relu();",
            "    @Conv2d(filters = 8, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
            "    @BatchNorm Layer bn2();",
            "}",
            "@Block interface Proj8 {",
            "    @Conv2d(filters = 8, kernel = 1, stride = 2, padding = Padding.SAME, bias = false) Layer conv();",
            "    @BatchNorm Layer bn();",
            "}");

    private static Class<?> generated;
    private static String source;

    /** A new model from {@code seed}; the class is compiled once, by the first call. */
    private static synchronized Model create(long seed) throws ReflectiveOperationException {
        if (generated == null) {
            Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).compile(TINY_RES_NET);
            assertThat(compilation).succeededWithoutWarnings();
            generated = new GeneratedClassLoader(compilation).loadClass("test.LaminaTinyResNet");
            try {
                source = compilation.generatedSourceFile("test.LaminaTinyResNet").orElseThrow()
                        .getCharContent(false).toString();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return (Model) generated.getMethod("create", long.class).invoke(null, seed);
    }

    /** 3 classes of 6x6 images: a bright row, column or diagonal, with noise. */
    private static Dataset images(int n, long seed) {
        Random random = new Random(seed);
        float[][][][] x = new float[n][1][6][6];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = random.nextInt(3);
            int k = random.nextInt(6);
            for (int j = 0; j < 6; j++) {
                for (int m = 0; m < 6; m++) {
                    x[i][0][j][m] = (float) (0.2 * random.nextGaussian());
                }
                int row = classes[i] == 0 ? k : j;
                int col = classes[i] == 1 ? k : j;
                x[i][0][row][col] += 1;
            }
        }
        return Dataset.of(Nd4j.createFromArray(x), classes, 3);
    }

    private static Trainer.Builder trainer(Model model, Adam adam) {
        return Trainer.builder(model, adam).epochs(3).batchSize(8).evalBatchSize(16).seed(5)
                .out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .rewriteProgress(false);
    }

    @Test
    void layersAreNamedByTheirNestingAndTheInterfaceMethodsDescribeEachUse() throws Exception {
        Model model = create(1);

        List<String> names = model.layers().stream().map(Layer::name).toList();
        assertThat(names).containsAtLeast("stage1[0].res.conv1", "stage1[1].res", "stage1[1].relu", "down2.conv1",
                "down2.shortcut.bn", "down2", "fc").inOrder();
        assertThat(model.parameters().stream().map(p -> p.name()).toList()).contains("down2.shortcut.conv.weight");
        Layer stage1 = (Layer) model.getClass().getMethod("stage1").invoke(model);
        assertThat(stage1.kind()).isEqualTo("Repeat");
        assertThat(stage1.outputShape()).isEqualTo(new int[] {4, 6, 6});
        Layer down2 = (Layer) model.getClass().getMethod("down2").invoke(model);
        assertThat(down2.outputShape()).isEqualTo(new int[] {8, 3, 3});
        assertThat(model.summary()).contains("stage1[1].res.bn2");
    }

    @Test
    void inceptionModuleAndRepeatedDenseNetLayers_compileWithoutWarningsAndRun() throws Exception {
        JavaFileObject source = model("Mixed", "input = {2, 8, 8}",
                "@Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false) Layer stem();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer relu();",
                "@Concat({Branch1x1.class, Branch3x3.class, BranchPool.class}) Layer inception();",
                "@Repeat(value = DenseLayer.class, times = 2) Layer dense();",
                "@BatchNorm Layer bnFinal();",
                "@ReLU Layer reluFinal();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(3) Layer fc();",
                "@Block interface Branch1x1 { @Conv2d(filters = 2, kernel = 1) Layer conv(); @ReLU Layer relu(); }",
                "@Block interface Branch3x3 {",
                "    @Conv2d(filters = 2, kernel = 1) Layer reduce(); @ReLU Layer relu1();",
                "    @Conv2d(filters = 3, kernel = 3, padding = Padding.SAME) Layer conv(); @ReLU Layer relu2();",
                "}",
                // Pooling has no padding yet (issue 13): the fourth branch is the pool's 1x1 projection alone.
                "@Block interface BranchPool { @Conv2d(filters = 4, kernel = 1) Layer proj(); @ReLU Layer relu(); }",
                "@Block interface DenseLayer { @Concat(value = Bottleneck.class, withInput = true) Layer grow(); }",
                "@Block interface Bottleneck {",
                "    @BatchNorm Layer bn1(); @ReLU Layer relu1(); @Conv2d(filters = 4, kernel = 1, bias = false) Layer conv1();",
                "    @BatchNorm Layer bn2(); @ReLU Layer relu2();",
                "    @Conv2d(filters = 2, kernel = 3, padding = Padding.SAME, bias = false) Layer conv2();",
                "}");
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).compile(source);
        assertThat(compilation).succeededWithoutWarnings();
        Model model = (Model) new GeneratedClassLoader(compilation).loadClass("test.LaminaMixed")
                .getMethod("create", long.class).invoke(null, 3L);

        org.nd4j.linalg.api.ndarray.INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 2, 8, 8);
        org.nd4j.linalg.api.ndarray.INDArray y = model.forward(x, true);
        model.zeroGrad();
        model.backward(Nd4j.onesLike(y));

        assertThat(y.shape()).isEqualTo(new long[] {4, 3});
        Layer inception = (Layer) model.getClass().getMethod("inception").invoke(model);
        assertThat(inception.outputShape()).isEqualTo(new int[] {2 + 3 + 4, 8, 8});
        Layer dense = (Layer) model.getClass().getMethod("dense").invoke(model);
        assertThat(dense.outputShape()).isEqualTo(new int[] {9 + 2 + 2, 8, 8});
        assertThat(model.parameters().stream()
                .filter(p -> p.name().startsWith("dense[1].grow.bottleneck.conv2"))
                .mapToDouble(p -> p.grad().norm2Number().doubleValue()).sum()).isGreaterThan(0.0);
        assertThat(model.forward(x, false).shape()).isEqualTo(new long[] {4, 3});
    }

    @Test
    void rewritesAndFusionsApplyInsideBlocks() throws Exception {
        create(1);
        assertThat(source).contains("fusion BatchNormActivation: backward of stage1[1].res.bn1 + stage1[1].res.relu");
        assertThat(source).contains("rewrite BatchNormFold: folds 'down2.shortcut.bn' into this layer");
        // The BatchNorm that ends a body is followed by the addition, not an activation: not fused.
        assertThat(source).doesNotContain("backward of stage1[1].res.bn2 +");
    }

    @Test
    void learnsAndResumesToTheSameParametersAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        Dataset train = images(64, 1);
        Dataset test = images(32, 2);
        Model uninterrupted = create(7);
        List<EpochMetrics> epochs = trainer(uninterrupted, new Adam(0.01)).build().fit(train, test);
        assertThat(epochs.get(epochs.size() - 1).trainLoss()).isLessThan(epochs.get(0).trainLoss());

        Path file = dir.resolve("run.ckpt");
        Model first = create(7);
        trainer(first, new Adam(0.01)).epochs(1).checkpoint(file, 8).build().fit(train, test);
        assertThat(CheckpointFile.read(file).position().step()).isEqualTo(8L);
        Model resumed = create(99);
        trainer(resumed, new Adam(0.01)).resumeFrom(file).build().fit(train, test);

        for (int i = 0; i < uninterrupted.parameters().size(); i++) {
            assertThat(resumed.parameters().get(i).value()).isEqualTo(uninterrupted.parameters().get(i).value());
        }
        assertThat(resumed.buffers()).isEqualTo(uninterrupted.buffers());
        assertThrows(IllegalArgumentException.class, () -> resumed.forward(Nd4j.zeros(2, 1, 5, 5), false));
    }
}
