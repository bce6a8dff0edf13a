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
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainingListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer's drop-last on a generated model with a BatchNorm after a Dense layer, which cannot
 * train on a last batch of one example; and which layers a generated model reports as needing two.
 */
class DropLastTest {
    private static Class<?> denseBn;
    private static Class<?> convBn;

    @BeforeAll
    static void compile() throws ClassNotFoundException {
        List<String> options = new ArrayList<>();
        LintRules.all().forEach(r -> options.add("-Alamina.lint." + r.id() + "=OFF"));
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).withOptions(options).compile(
                model("DenseBn", "input = {4}", "@Dense(6) Layer hidden();", "@BatchNorm Layer norm();",
                        "@ReLU Layer act();", "@Dense(3) Layer logits();"),
                model("ConvBn", "input = {1, 4, 4}", "@Conv2d(filters = 2, kernel = 3) Layer conv();",
                        "@BatchNorm Layer norm();", "@Flatten Layer flatten();", "@Dense(3) Layer logits();"));
        assertThat(compilation).succeeded();
        GeneratedClassLoader loader = new GeneratedClassLoader(compilation);
        denseBn = loader.loadClass("test.LaminaDenseBn");
        convBn = loader.loadClass("test.LaminaConvBn");
    }

    private static Model create(Class<?> generated) throws ReflectiveOperationException {
        return (Model) generated.getMethod("create", long.class).invoke(null, 3L);
    }

    private static Dataset points(int n, long seed) {
        Random random = new Random(seed);
        float[][] x = new float[n][4];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = random.nextInt(3);
            for (int d = 0; d < 4; d++) {
                x[i][d] = (float) ((d == classes[i] ? 2 : 0) + random.nextGaussian());
            }
        }
        return Dataset.of(Nd4j.createFromArray(x), classes, 3);
    }

    private static Trainer.Builder trainer(Model model) {
        return Trainer.builder(model, new Sgd(0.1)).epochs(2).batchSize(8).seed(4)
                .out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .rewriteProgress(false);
    }

    @Test
    void generatedModelsNameTheBatchNormThatNeedsTwoExamples() throws Exception {
        assertThat(create(denseBn).layerNeedingTwoExamples().map(l -> l.name())).hasValue("norm");
        assertThat(create(convBn).layerNeedingTwoExamples()).isEmpty();
    }

    @Test
    void aLastBatchOfOneFailsNamingTheLayerAndDropLastTrainsOnFullBatchesOnly() throws Exception {
        Dataset train = points(17, 1);
        Dataset test = points(8, 2);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer(create(denseBn)).build().fit(train, test));
        assertThat(e).hasMessageThat().contains("layer 'norm'");
        assertThat(e).hasMessageThat().contains("batch of 1 example");

        List<Integer> batchSizes = new ArrayList<>();
        List<TrainingListener.EpochStart> starts = new ArrayList<>();
        TrainingListener sizes = new TrainingListener() {
            @Override
            public void onEpochStart(EpochStart start) {
                starts.add(start);
            }

            @Override
            public void onBatchEnd(BatchProgress progress) {
                batchSizes.add((int) progress.examples());
            }
        };
        List<EpochMetrics> history = trainer(create(denseBn)).dropLast(true).listener(sizes).build().fit(train, test);

        assertThat(history).hasSize(2);
        assertThat(history.get(1).trainLoss()).isFinite();
        assertThat(starts.get(0).batchCount()).isEqualTo(2);
        assertThat(starts.get(0).examples()).isEqualTo(16);
        // Cumulative examples after each batch: two full batches per epoch, the 17th example dropped.
        assertThat(batchSizes).containsExactly(8, 16, 8, 16).inOrder();
    }

    @Test
    void dropLastOnATrainingSetSmallerThanABatchIsAClearError() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer(create(denseBn)).dropLast(true).build().fit(points(5, 1), points(8, 2)));
        assertThat(e).hasMessageThat().contains("drop-last leaves no batch");
    }
}
