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
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.AdamW;
import dev.lamina.runtime.optim.Optimizer;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Trainer;
import dev.lamina.runtime.train.TrainingDivergedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A loss that explodes (finite, but a million times its start) stops training with the divergence
 * error under every optimizer, as a NaN one does, and a sane learning rate does not trip it.
 */
class ExplodingLossTest {
    private static final String[] MLP = {
        "@Dense(16) Layer hidden1();",
        "@ReLU Layer act1();",
        "@Dense(16) Layer hidden2();",
        "@ReLU Layer act2();",
        "@Dense(3) Layer logits();",
    };
    private static final List<String> OPTIMIZERS = List.of("Adam", "AdamW", "SGD");

    private static Class<?> mlp;

    @BeforeAll
    static void compile() throws ClassNotFoundException {
        List<String> options = new ArrayList<>();
        LintRules.all().forEach(r -> options.add("-Alamina.lint." + r.id() + "=OFF"));
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).withOptions(options)
                .compile(model("Mlp", "input = {4}", MLP));
        assertThat(compilation).succeeded();
        mlp = new GeneratedClassLoader(compilation).loadClass("test.LaminaMlp");
    }

    private static Optimizer optimizer(String name, double lr) {
        DoubleFunction<Optimizer> make = switch (name) {
            case "Adam" -> Adam::new;
            case "AdamW" -> AdamW::new;
            default -> Sgd::new;
        };
        return make.apply(lr);
    }

    /** Three classes of 4-dimensional points around different centres. */
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

    private static Trainer.Builder trainer(Optimizer optimizer) throws ReflectiveOperationException {
        Model model = (Model) mlp.getMethod("create", long.class).invoke(null, 7L);
        return Trainer.builder(model, optimizer).epochs(2).batchSize(16).seed(1)
                .out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .rewriteProgress(false);
    }

    @Test
    void aHugeLearningRateStopsWithTheDivergenceErrorUnderEveryOptimizer() throws Exception {
        for (String name : OPTIMIZERS) {
            Trainer trainer = trainer(optimizer(name, 1e6)).build();

            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> trainer.fit(points(192, 1), points(32, 2)), name);

            // Stopped by the explosion rule, while the loss was still a number, within the first epoch.
            assertThat(e.loss()).isFinite();
            assertThat(e.loss()).isGreaterThan(1e6);
            assertThat(e.epoch()).isEqualTo(1);
            assertThat(e).hasMessageThat().contains("times the first batch's loss");
            assertThat(e).hasMessageThat().contains("exploding, so lower the learning rate");
        }
    }

    @Test
    void aSaneLearningRateTrainsThroughUnderEveryOptimizer() throws Exception {
        for (String name : OPTIMIZERS) {
            List<EpochMetrics> history = trainer(optimizer(name, name.equals("SGD") ? 0.1 : 0.01)).build()
                    .fit(points(192, 1), points(32, 2));

            assertThat(history).hasSize(2);
            assertThat(history.get(1).trainLoss()).isLessThan(history.get(0).trainLoss());
        }
    }

    @Test
    void theFactorIsASettingAndMustExceedOne() throws Exception {
        // A factor barely above 1 stops a run whose loss rises at all above its start: at lr 10 under SGD it does.
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer(new Sgd(10)).explodingLossFactor(1.5).build().fit(points(192, 1), points(32, 2)));
        assertThat(e.loss()).isGreaterThan(1.5);
        for (double bad : new double[] {1, 0.5, -3, Double.NaN}) {
            IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                    () -> trainer(new Sgd(0.1)).explodingLossFactor(bad).build());
            assertThat(invalid).hasMessageThat().contains("explodingLossFactor must be > 1");
        }
    }
}
