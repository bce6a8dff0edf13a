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
import java.util.Arrays;
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
 * warm-up, clipping); a 2-unit decoder learns to reverse short lists; the README's TinyGpt compiles
 * without a warning; parameters are named per layer and projection.
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

    /** Lists of 4 symbols 1..8 (4,096 lists in all); id 0 separates a list from its reverse. */
    private static final int LIST = 4;
    private static final int SYMBOLS = 8;
    private static final int SEPARATOR = 0;

    /**
     * The lists numbered by {@code codes} (their base-8 digits) as next-token prediction over
     * {@code [a1 a2 a3 a4 SEP a4 a3 a2]} with labels {@code [SEP SEP SEP SEP a4 a3 a2 a1]}: the label at
     * position t is the input at t + 1 (the last one is a1), except that positions 0 to 2, whose next
     * token the prefix does not determine, get the separator as a constant filler. The last four
     * labels, the reversed list, are determined by the causal prefix.
     */
    private static Dataset reverseTask(int[] codes) {
        int[][] ids = new int[codes.length][2 * LIST];
        int[][] labels = new int[codes.length][2 * LIST];
        for (int i = 0; i < codes.length; i++) {
            int[] list = new int[LIST];
            for (int j = 0, code = codes[i]; j < LIST; j++, code /= SYMBOLS) {
                list[j] = 1 + code % SYMBOLS;
            }
            for (int j = 0; j < LIST; j++) {
                ids[i][j] = list[j];
                ids[i][LIST + j] = j == 0 ? SEPARATOR : list[LIST - j];
                labels[i][j] = SEPARATOR;
                labels[i][LIST + j] = list[LIST - 1 - j];
            }
        }
        return Dataset.perPosition(Nd4j.createFromArray(ids), Nd4j.createFromArray(labels), SYMBOLS + 1);
    }

    /** The fraction of reversed-list positions (the last four) at which the most likely token is the label. */
    private static double reversedListAccuracy(Model model, Dataset data) {
        INDArray predicted = model.forward(data.features(), false).argMax(2);
        long correct = 0;
        for (int i = 0; i < data.size(); i++) {
            for (int t = LIST; t < 2 * LIST; t++) {
                if (predicted.getInt(i, t) == data.labels().getInt(i, t)) {
                    correct++;
                }
            }
        }
        return (double) correct / ((long) data.size() * LIST);
    }

    /**
     * Issue 13's synthetic sequence task: a 2-unit causal decoder ({@link Transformers#DECODER}) learns
     * to reverse lists of 4 symbols from 2,560 of the 4,096 lists in 160 steps (AdamW, warm-up and
     * cosine decay, clipping), and reverses 512 lists it never saw. Untrained, the same model is near
     * chance (1/8) there.
     */
    @Test
    void twoUnitDecoderLearnsToReverseLists() throws Exception {
        Model model = compileAndCreate(Models.model("Decoder", Transformers.DECODER_INPUT, Transformers.DECODER),
                "LaminaDecoder", 11);
        int[] codes = new int[SYMBOLS * SYMBOLS * SYMBOLS * SYMBOLS];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = i;
        }
        Random random = new Random(3);
        for (int i = codes.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int code = codes[i];
            codes[i] = codes[j];
            codes[j] = code;
        }
        Dataset train = reverseTask(Arrays.copyOfRange(codes, 0, 2560));
        Dataset heldOut = reverseTask(Arrays.copyOfRange(codes, codes.length - 512, codes.length));
        int epochs = 2;
        int batchSize = 32;
        long steps = (long) epochs * train.size() / batchSize;
        Trainer trainer = Trainer.builder(model, new AdamW(0.02)).epochs(epochs).batchSize(batchSize)
                .evalBatchSize(512).seed(5)
                .schedule(LearningRateSchedule.warmupCosine(steps / 10, steps, 0))
                .clipGradNorm(1.0)
                .out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .rewriteProgress(false)
                .build();

        double untrained = reversedListAccuracy(model, heldOut);
        trainer.fit(train, heldOut);
        double trained = reversedListAccuracy(model, heldOut);

        assertThat(untrained).isLessThan(0.25);
        assertThat(trained).isAtLeast(0.95);
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
