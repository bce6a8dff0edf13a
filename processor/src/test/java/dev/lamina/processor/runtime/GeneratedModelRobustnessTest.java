package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.model;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.runtime.checkpoint.CheckpointFile;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainingDivergedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A generated model under bad input and failure: wrong shapes fail before any computation, a
 * diverging run names the layer that first went non-finite, and a checkpointed run resumes to the
 * same parameters as one that never stopped (with BatchNorm buffers, dropout and Adam state).
 */
class GeneratedModelRobustnessTest {
    private static final String[] SMALL_NET_LAYERS = {
        "@Conv2d(filters = 2, kernel = 3) Layer conv();",
        "@BatchNorm Layer bn();",
        "@ReLU Layer act();",
        "@Dropout(rate = 0.25) Layer drop();",
        "@Flatten Layer flatten();",
        "@Dense(5) Layer hidden();",
        "@Tanh Layer squash();",
        "@Dense(3) Layer logits();",
    };
    private static final JavaFileObject SMALL_NET = model("SmallNet", "input = {1, 6, 6}", SMALL_NET_LAYERS);
    /**
     * SMALL_NET without its Tanh, for the diverging run. When the hidden layer overflows, the oneDNN
     * natives' gemm gives +-infinity where the stock natives' (OpenBLAS) gives NaN, and Tanh squashes
     * +-infinity back to +-1: the loss would stay finite (about 1e30) and the run would never stop.
     */
    private static final JavaFileObject UNSQUASHED_NET = model("UnsquashedNet", "input = {1, 6, 6}",
            java.util.Arrays.stream(SMALL_NET_LAYERS).filter(layer -> !layer.contains("squash()"))
                    .toArray(String[]::new));

    private static Model create(long seed) throws ReflectiveOperationException {
        return create(SMALL_NET, "SmallNet", seed);
    }

    private static Model create(JavaFileObject source, String name, long seed) throws ReflectiveOperationException {
        List<String> options = new ArrayList<>();
        LintRules.all().forEach(r -> options.add("-Alamina.lint." + r.id() + "=OFF"));
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).withOptions(options)
                .compile(source);
        assertThat(compilation).succeeded();
        Class<?> generated = new GeneratedClassLoader(compilation).loadClass("test.Lamina" + name);
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
                int row = classes[i] == 0 ? k : classes[i] == 1 ? j : j;
                int col = classes[i] == 0 ? j : classes[i] == 1 ? k : j;
                x[i][0][row][col] += 1;
            }
        }
        return Dataset.of(Nd4j.createFromArray(x), classes, 3);
    }

    private static Trainer.Builder trainer(Model model, dev.lamina.runtime.optim.Optimizer optimizer) {
        return Trainer.builder(model, optimizer).epochs(2).batchSize(8).evalBatchSize(16).seed(5)
                .out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .rewriteProgress(false);
    }

    @Test
    void wrongInputShapeFailsBeforeAnyComputationNamingBothShapes() throws Exception {
        Model model = create(1);
        INDArray before = model.parameters().get(0).value().dup();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(Nd4j.zeros(DataType.FLOAT, 2, 1, 28, 28), true));

        assertThat(e).hasMessageThat().contains("[2, 1, 28, 28]");
        assertThat(e).hasMessageThat().contains("[1, 28, 28]");
        assertThat(e).hasMessageThat().contains("[1, 6, 6]");
        assertThat(model.parameters().get(0).value()).isEqualTo(before);
        IllegalArgumentException fit = assertThrows(IllegalArgumentException.class,
                () -> trainer(model, new Sgd(0.1)).build().fit(
                        Dataset.of(Nd4j.zeros(DataType.FLOAT, 4, 36), new int[] {0, 1, 2, 0}, 3), images(8, 2)));
        assertThat(fit).hasMessageThat().contains("[36]");
        assertThat(fit).hasMessageThat().contains("[1, 6, 6]");
    }

    @Test
    void aBatchOfOneBeforeABatchNormAfterDenseNamesTheLayerAndChangesNothing() throws Exception {
        Model model = create(model("DenseBn", "input = {4}", "@Dense(8) Layer hidden();", "@BatchNorm Layer norm();",
                "@ReLU Layer act();", "@Dense(3) Layer logits();"), "DenseBn", 1);
        INDArray runningMean = model.buffers().get("norm.running_mean").dup();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(Nd4j.rand(DataType.FLOAT, 1, 4), true));

        assertThat(e).hasMessageThat().contains("layer 'norm' (BatchNorm over [8]) of DenseBn");
        assertThat(e).hasMessageThat().contains("batch of 1 example");
        assertThat(model.buffers().get("norm.running_mean")).isEqualTo(runningMean);
        // inference, and training on two examples, are fine
        assertThat(model.forward(Nd4j.rand(DataType.FLOAT, 1, 4), false).shape()).isEqualTo(new long[] {1, 3});
        assertThat(model.forward(Nd4j.rand(DataType.FLOAT, 2, 4), true).shape()).isEqualTo(new long[] {2, 3});
    }

    @Test
    void aBatchOfOneTrainsABatchNormOverAFeatureMap() throws Exception {
        // SMALL_NET's BatchNorm sees 4x4 values per channel of each example
        assertThat(create(1).forward(images(1, 4).features(), true).shape()).isEqualTo(new long[] {1, 3});
    }

    @Test
    void firstNonFiniteLayerNamesTheLayerWhoseOutputOverflowed() throws Exception {
        Model model = create(1);
        INDArray x = images(4, 3).features();
        assertThat(model.firstNonFiniteLayer(x, false)).isEmpty();

        parameter(model, "hidden.weight").value().assign(Float.MAX_VALUE);

        assertThat(model.firstNonFiniteLayer(x, false)).hasValue("hidden");
        // forward itself is unchanged: it looks only when asked.
        assertThat(model.forward(x, false).shape()).isEqualTo(new long[] {4, 3});
    }

    @Test
    void divergingRunStopsWithStepBatchAndLayer() throws Exception {
        Model model = create(UNSQUASHED_NET, "UnsquashedNet", 1);
        // A learning rate this large sends the weights to infinity within a few steps.
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer(model, new Sgd(1e30)).build().fit(images(64, 1), images(16, 2)));

        assertThat(e.step()).isGreaterThan(0L);
        assertThat(e.layer()).isPresent();
        assertThat(e).hasMessageThat().contains("training diverged at step " + e.step() + " (epoch " + e.epoch()
                + ", batch " + e.batch() + " of 8)");
        assertThat(e).hasMessageThat().contains("the first non-finite activation is the output of layer '"
                + e.layer().get() + "'");
    }

    /** Adam that throws before its step number {@code crashAt} (from 0), like a process dying mid-epoch. */
    private static final class CrashingAdam extends dev.lamina.runtime.optim.ForwardingOptimizer {
        private final int crashAt;
        private int steps;

        CrashingAdam(int crashAt) {
            super(new Adam(0.01));
            this.crashAt = crashAt;
        }

        @Override
        public void step(List<Parameter> params) {
            if (steps++ == crashAt) {
                throw new IllegalStateException("simulated crash");
            }
            super.step(params);
        }
    }

    @Test
    void checkpointedRunResumesToTheSameParametersAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Dataset train = images(60, 1); // 8 batches of 8 per epoch, the last of 4
        Dataset test = images(16, 2);
        Model uninterrupted = create(7);
        trainer(uninterrupted, new Adam(0.01)).epochs(3).build().fit(train, test);

        // Crashes in step 14; the last checkpoint is from step 12, in the middle of the second epoch.
        Path file = dir.resolve("run.ckpt");
        Model crashed = create(7);
        assertThrows(IllegalStateException.class,
                () -> trainer(crashed, new CrashingAdam(13)).epochs(3).checkpoint(file, 4).build().fit(train, test));
        assertThat(CheckpointFile.read(file).position().step()).isEqualTo(12L);
        assertThat(CheckpointFile.read(file).position().batch()).isEqualTo(4);

        Model resumed = create(99); // other initial values: every value must come from the checkpoint
        trainer(resumed, new Adam(0.01)).epochs(3).resumeFrom(file).build().fit(train, test);

        for (int i = 0; i < uninterrupted.parameters().size(); i++) {
            assertThat(resumed.parameters().get(i).value()).isEqualTo(uninterrupted.parameters().get(i).value());
        }
        assertThat(resumed.buffers()).isEqualTo(uninterrupted.buffers());
    }

    private static Parameter parameter(Model model, String name) {
        return model.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
}
