package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.dsl.Layer;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.processor.testing.Models;
import dev.lamina.processor.testing.Transformers;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.AdamW;
import dev.lamina.runtime.optim.LearningRateSchedule;
import dev.lamina.runtime.train.EpochMetrics;
import dev.lamina.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Transformer models through the whole processor and the runtime (issue 13): the ViT encoder learns a
 * toy image task with the trainer; the GPT-style decoder learns to predict the previous token, which
 * only attention can do, with the trainer's token batches and cross-entropy per position (AdamW,
 * warm-up, clipping); the README's TinyGpt compiles without a warning; parameters are named per layer
 * and projection.
 */
class TransformerModelsEndToEndTest {

    private static Model compileAndCreate(JavaFileObject source, String generated, long seed)
            throws ReflectiveOperationException {
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).compile(source);
        assertThat(compilation).succeededWithoutWarnings();
        return (Model) new GeneratedClassLoader(compilation).loadClass("test." + generated)
                .getMethod("create", long.class).invoke(null, seed);
    }

    /** 3 classes of 8x8 images: a bright row, column or diagonal, with noise. */
    private static Dataset images(int n, long seed) {
        Random random = new Random(seed);
        float[][][][] x = new float[n][1][8][8];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = random.nextInt(3);
            int k = random.nextInt(8);
            for (int j = 0; j < 8; j++) {
                for (int m = 0; m < 8; m++) {
                    x[i][0][j][m] = (float) (0.2 * random.nextGaussian());
                }
                int row = classes[i] == 0 ? k : j;
                int col = classes[i] == 1 ? k : j;
                x[i][0][row][col] += 1;
            }
        }
        return Dataset.of(Nd4j.createFromArray(x), classes, 3);
    }

    @Test
    void visionTransformerLearnsWithTheTrainer() throws Exception {
        Model model = compileAndCreate(Models.model("Vit", Transformers.VIT_INPUT, Transformers.VIT), "LaminaVit", 7);
        Trainer trainer = Trainer.builder(model, new Adam(0.01)).epochs(8).batchSize(16).evalBatchSize(32).seed(5)
                .out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .rewriteProgress(false)
                .build();

        List<EpochMetrics> epochs = trainer.fit(images(192, 1), images(96, 2));

        assertThat(epochs.get(epochs.size() - 1).trainLoss()).isLessThan(0.5 * epochs.get(0).trainLoss());
        assertThat(epochs.get(epochs.size() - 1).testAccuracy()).isGreaterThan(0.8);
    }

    /** Sequences of 5 random ids below 7, labelled per position with the previous id (0 at position 0). */
    private static Dataset previousToken(int n, long seed) {
        Random random = new Random(seed);
        int[][] ids = new int[n][5];
        int[][] labels = new int[n][5];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 5; t++) {
                ids[i][t] = random.nextInt(7);
                labels[i][t] = t == 0 ? 0 : ids[i][t - 1];
            }
        }
        return Dataset.perPosition(Nd4j.createFromArray(ids), Nd4j.createFromArray(labels), 7);
    }

    /** Token batches, cross-entropy per position, AdamW, warm-up and clipping: the previous token in 4 epochs. */
    @Test
    void causalDecoderLearnsWithTheTrainer() throws Exception {
        Model model = compileAndCreate(Models.model("Gpt", Transformers.GPT_INPUT, Transformers.GPT), "LaminaGpt", 3);
        Trainer trainer = Trainer.builder(model, new AdamW(0.02)).epochs(4).batchSize(16).evalBatchSize(64).seed(5)
                .schedule(LearningRateSchedule.warmupConstant(5))
                .clipGradNorm(1.0)
                .out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .rewriteProgress(false)
                .build();

        List<EpochMetrics> epochs = trainer.fit(previousToken(384, 1), previousToken(128, 2));

        assertThat(epochs.get(0).trainLoss()).isGreaterThan(1.0);
        assertThat(epochs.get(epochs.size() - 1).testLoss()).isLessThan(0.3);
        assertThat(epochs.get(epochs.size() - 1).testAccuracy()).isGreaterThan(0.95);
    }

    @Test
    void parametersAreNamedPerLayerAndProjection() throws Exception {
        Model model = compileAndCreate(Models.model("Gpt", Transformers.GPT_INPUT, Transformers.GPT), "LaminaGpt", 1);

        List<String> names = model.parameters().stream().map(Parameter::name).toList();
        assertThat(names).containsAtLeast("tokens.weight", "position.weight", "attention.ln.gamma",
                "attention.ln.beta", "attention.attention.query_weight", "attention.attention.query_bias",
                "attention.attention.key_weight", "attention.attention.value_weight",
                "attention.attention.output_weight", "attention.attention.output_bias", "mlp.fc1.weight",
                "norm.gamma", "logits.weight").inOrder();
        assertThat(model.layers().stream().map(Layer::kind).distinct().toList()).containsAtLeast("Embedding",
                "PositionalEmbedding", "LayerNorm", "MultiHeadAttention", "Residual", "Dense", "GELU").inOrder();
        assertThat(model.inputShape()).isEqualTo(new int[] {5});
        assertThat(model.summary()).contains("attention.attention");
    }

    /** The declaration in the README's "Sequences and transformers" section, as it stands there. */
    @Test
    void readmeTinyGptCompilesWithoutWarningsAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("@Sequential(input = {64}, tokens = true)");
        int end = readme.indexOf("```", start);
        assertThat(start).isGreaterThan(0);
        String declaration = readme.substring(start, end);
        JavaFileObject source = Models.source("TinyGpt", ("package test;\nimport dev.lamina.dsl.*;\n"
                + declaration).split("\n"));

        Model model = compileAndCreate(source, "LaminaTinyGpt", 1);
        INDArray logits = model.forward(Nd4j.zeros(DataType.INT32, 2, 64), false);

        assertThat(logits.shape()).isEqualTo(new long[] {2, 64, 100});
    }
}
