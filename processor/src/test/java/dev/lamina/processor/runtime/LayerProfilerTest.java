package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.model;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.dsl.Layer;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.runtime.model.LayerProfiler;
import dev.lamina.runtime.model.LayerProfiler.Entry;
import dev.lamina.runtime.model.LayerProfiler.Pass;
import dev.lamina.runtime.model.Model;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-layer profile of a generated model: which layers it names, in which order, per pass; that
 * the times are real; and that the FLOP estimates of a Conv2d and a Dense layer are the hand-computed
 * multiply-adds.
 */
class LayerProfilerTest {
    /** Conv-BN-ReLU-Dropout-pool, then two Dense layers: BN, ReLU, Dropout and the max pooling fuse. */
    private static final String[] LAYERS = {
        "@Conv2d(filters = 4, kernel = 3) Layer conv();",
        "@BatchNorm Layer bn();",
        "@ReLU Layer act();",
        "@Dropout(rate = 0.25) Layer drop();",
        "@MaxPool2d(2) Layer pool();",
        "@Flatten Layer flatten();",
        "@Dense(5) Layer hidden();",
        "@Tanh Layer squash();",
        "@Dense(3) Layer logits();",
    };
    private static final int BATCH = 4;
    private static final int STEPS = 3;

    private static Class<?> generated;

    @BeforeAll
    static void compile() throws ReflectiveOperationException {
        List<String> options = new ArrayList<>();
        LintRules.all().forEach(r -> options.add("-Alamina.lint." + r.id() + "=OFF"));
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).withOptions(options)
                .compile(model("ProfiledNet", "input = {2, 8, 8}", LAYERS));
        assertThat(compilation).succeeded();
        generated = new GeneratedClassLoader(compilation).loadClass("test.LaminaProfiledNet");
    }

    private static Model create() throws ReflectiveOperationException {
        return (Model) generated.getMethod("create", long.class).invoke(null, 5L);
    }

    private static List<Entry> of(LayerProfiler profiler, Pass pass) {
        return profiler.entries().stream().filter(e -> e.pass() == pass).toList();
    }

    private static Entry entry(LayerProfiler profiler, Pass pass, String layer) {
        return of(profiler, pass).stream().filter(e -> e.layer().equals(layer)).findFirst().orElseThrow(
                () -> new AssertionError(pass + " has no entry " + layer + ": " + profiler.entries()));
    }

    /** Training steps' forward and backward, with a profiler attached. */
    private static LayerProfiler profileTraining(Model model) {
        LayerProfiler profiler = new LayerProfiler();
        model.setProfiler(profiler);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, BATCH, 2, 8, 8);
        for (int i = 0; i < STEPS; i++) {
            INDArray out = model.forward(x, true);
            model.backward(Nd4j.onesLike(out));
        }
        return profiler;
    }

    @Test
    void namesEveryLayerOfEachPassInTheOrderItRuns() throws Exception {
        Model model = create();
        LayerProfiler profiler = profileTraining(model);
        model.forward(Nd4j.rand(DataType.FLOAT, BATCH, 2, 8, 8), false);

        // Forward: every declared layer, with the fused kernel's BatchNorm, ReLU, Dropout and pooling as one entry.
        List<String> declared = model.layers().stream().map(Layer::name).toList();
        assertThat(declared).containsAtLeast("conv", "bn", "act", "drop", "pool").inOrder();
        List<String> expectedForward = new java.util.ArrayList<>(declared);
        expectedForward.subList(declared.indexOf("bn"), declared.indexOf("pool") + 1).clear();
        expectedForward.add(declared.indexOf("bn"), "bn+act+drop+pool");
        assertThat(of(profiler, Pass.FORWARD).stream().map(Entry::layer).toList())
                .containsExactlyElementsIn(expectedForward).inOrder();
        assertThat(entry(profiler, Pass.FORWARD, "bn+act+drop+pool").kind())
                .isEqualTo("BatchNorm+ReLU+Dropout+MaxPool2d");
        // Backward: in reverse, the fused four as one entry.
        assertThat(of(profiler, Pass.BACKWARD).stream().map(Entry::layer).toList())
                .containsExactly("logits", "squash", "hidden", "flatten", "bn+act+drop+pool", "conv").inOrder();
        assertThat(entry(profiler, Pass.BACKWARD, "bn+act+drop+pool").kind())
                .isEqualTo("BatchNorm+ReLU+Dropout+MaxPool2d");
        // Inference: BatchNorm folded into conv, Dropout removed, pooling moved before the activation.
        assertThat(of(profiler, Pass.INFERENCE).stream().map(Entry::layer).toList())
                .containsExactly("conv", "pool", "act", "flatten", "hidden", "squash", "logits").inOrder();
        assertThat(profiler.table()).contains("bn+act+drop+pool");
    }

    @Test
    void everyEntryHasOneRunPerPassAndAPositiveTime() throws Exception {
        LayerProfiler profiler = profileTraining(create());

        // Forward: the declared layers, the fused four as one entry; backward: 6 entries.
        assertThat(profiler.entries()).hasSize(LAYERS.length - 3 + 6);
        for (Entry e : profiler.entries()) {
            assertWithMessage(e.toString()).that(e.calls()).isEqualTo(STEPS);
            assertWithMessage(e.toString()).that(e.nanos()).isGreaterThan(0L);
            assertWithMessage(e.toString()).that(e.millisPerCall()).isGreaterThan(0.0);
            assertWithMessage(e.toString()).that(e.bytes()).isGreaterThan(0.0);
        }
    }

    @Test
    void flopOfConv2dAndDenseAreTheirMultiplyAddsTwice() throws Exception {
        LayerProfiler profiler = profileTraining(create());

        // conv: 2 -> 4 channels, 3x3, 8x8 -> 6x6: each of N*4*6*6 outputs sums 2*3*3 products.
        double convFlop = 2.0 * BATCH * 4 * 6 * 6 * (2 * 3 * 3);
        assertThat(entry(profiler, Pass.FORWARD, "conv").flop()).isEqualTo(STEPS * convFlop);
        // The first layer with parameters computes no input gradient: the weight gradient only.
        assertThat(entry(profiler, Pass.BACKWARD, "conv").flop()).isEqualTo(STEPS * convFlop);
        // hidden: [N, 4*3*3 = 36] x [36, 5].
        double hiddenFlop = 2.0 * BATCH * 36 * 5;
        assertThat(entry(profiler, Pass.FORWARD, "hidden").flop()).isEqualTo(STEPS * hiddenFlop);
        assertThat(entry(profiler, Pass.BACKWARD, "hidden").flop()).isEqualTo(STEPS * 2 * hiddenFlop);
        assertThat(entry(profiler, Pass.FORWARD, "bn+act+drop+pool").flop()).isEqualTo(0.0);
        // The fused forward's entry sums its layers' estimates: BatchNorm, ReLU and Dropout each read and
        // write [N, 4, 6, 6], BatchNorm reads gamma and beta [4], the pooling reads [N, 4, 6, 6] and
        // writes [N, 4, 3, 3].
        double fusedBytes = 4.0 * (3 * 2 * BATCH * 4 * 6 * 6 + 2 * 4 + BATCH * 4 * 6 * 6 + BATCH * 4 * 3 * 3);
        assertThat(entry(profiler, Pass.FORWARD, "bn+act+drop+pool").bytes()).isEqualTo(STEPS * fusedBytes);

        // conv reads the input and its weight (the bias is elided before BatchNorm) and writes its output.
        double convBytes = 4.0 * (BATCH * 2 * 8 * 8 + BATCH * 4 * 6 * 6 + 4 * 2 * 3 * 3);
        assertThat(entry(profiler, Pass.FORWARD, "conv").bytes()).isEqualTo(STEPS * convBytes);
        Entry conv = entry(profiler, Pass.FORWARD, "conv");
        assertThat(conv.gflopPerSecond()).isWithin(1e-9).of(conv.flop() / conv.nanos());
    }

    @Test
    void nothingIsRecordedOnceDetachedOrAfterReset() throws Exception {
        Model model = create();
        LayerProfiler profiler = profileTraining(model);
        profiler.reset();
        assertThat(profiler.entries()).isEmpty();

        model.setProfiler(null);
        INDArray out = model.forward(Nd4j.rand(DataType.FLOAT, BATCH, 2, 8, 8), true);
        model.backward(Nd4j.onesLike(out));
        assertThat(profiler.entries()).isEmpty();
    }
}
