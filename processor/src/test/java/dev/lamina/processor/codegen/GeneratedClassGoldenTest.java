package dev.lamina.processor.codegen;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.palantir.javapoet.JavaFile;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.rewrite.Rewrites;
import dev.lamina.processor.testing.Models;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The whole generated class of four models, read and shape-inferred from source as the processor
 * does, against golden files in {@code goldens/GeneratedClassGoldenTest/<method>/}, each compiled with
 * its interface under {@code -Xlint:all -Werror}: the seed network as the processor generates it and
 * with {@code -Alamina.rewrite=false}, an MLP, and a model on which every rewrite and fusion fires
 * (bias elision and BatchNorm folding after Conv2d and Dense, a max pool moved before its activation
 * in training, dropout removed and a pool moved again at inference, BatchNorm-activation fusion with
 * and without dropout).
 */
class GeneratedClassGoldenTest {
    private static final String SEED = "input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY";

    private static final String[] MLP = {
        "@Flatten Layer flatten();",
        "@Dense(128) Layer fc1();",
        "@ReLU Layer relu1();",
        "@Dropout(rate = 0.5) Layer drop1();",
        "@Dense(64) Layer fc2();",
        "@Tanh Layer tanh2();",
        "@Dense(10) Layer logits();",
    };

    private static final String[] EVERY_REWRITE = {
        "@Conv2d(filters = 8, kernel = 3, padding = Padding.SAME) Layer conv1();",
        "@BatchNorm Layer bn1();",
        "@ReLU Layer relu1();",
        "@MaxPool2d(2) Layer pool1();",
        "@Conv2d(filters = 16, kernel = 3) Layer conv2();",
        "@BatchNorm Layer bn2();",
        "@LeakyReLU(0.1) Layer act2();",
        "@Dropout(rate = 0.25) Layer drop2();",
        "@MaxPool2d(2) Layer pool2();",
        "@Flatten Layer flatten();",
        "@Dense(32) Layer fc1();",
        "@BatchNorm Layer bn3();",
        "@ELU Layer act3();",
        "@Dropout(rate = 0.5) Layer drop3();",
        "@Dense(10) Layer logits();",
    };

    @Test
    void seedNet(TestInfo test) {
        assertGolden(test, Models.model("SeedNet", SEED, Models.SEED_LAYERS), true);
    }

    @Test
    void seedNetWithRewritesOff(TestInfo test) {
        assertGolden(test, Models.model("SeedNet", SEED, Models.SEED_LAYERS), false);
    }

    @Test
    void mlp(TestInfo test) {
        assertGolden(test, Models.model("Mlp", SEED, MLP), true);
    }

    @Test
    void everyRewrite(TestInfo test) {
        assertGolden(test, Models.model("EveryRewrite", "input = {1, 12, 12}, loss = Loss.SOFTMAX_CROSS_ENTROPY",
                EVERY_REWRITE), true);
    }

    private static void assertGolden(TestInfo test, JavaFileObject source, boolean rewrite) {
        ModelIR model = Models.readAndInfer(source);
        JavaFile file = ModelGenerator.generate(Rewrites.plan(model, rewrite), List.of());
        Compilation compilation = Compiler.javac().withOptions("-Xlint:all", "-Werror")
                .compile(source, file.toJavaFileObject());
        assertThat(compilation).succeededWithoutWarnings();
        GoldenFiles.assertMatchesGolden(test, file);
    }
}
