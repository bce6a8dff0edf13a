package dev.lamina.processor.rewrite;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.palantir.javapoet.JavaFile;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.codegen.ModelGenerator;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.processor.testing.Models;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Compiles models with and without {@code -Alamina.rewrite=false}, creates both from one seed in
 * DOUBLE and checks that the rewritten model computes the declared one: training forward (same
 * dropout seed), parameter gradients (by name; elided biases excluded), and inference before and
 * after a training pass (which moves BatchNorm's running statistics). Tolerance: the largest
 * absolute difference at most {@value #TOLERANCE} times the largest magnitude of the declared
 * model's tensor.
 */
class RewriteEquivalenceTest {
    private static final double TOLERANCE = 1e-10;
    private static final String SEED_NET_ARGS = "input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY";

    /** Conv-ELU-MaxPool and Conv-ReLU-Tanh-MaxPool: pools that move. */
    private static final String[] POOL_NET = {
        "@Conv2d(filters = 4, kernel = 3) Layer conv1();",
        "@ELU Layer act1();",
        "@MaxPool2d(2) Layer pool1();",
        "@Conv2d(filters = 4, kernel = 3) Layer conv2();",
        "@ReLU Layer relu2();",
        "@Tanh Layer tanh2();",
        "@MaxPool2d(2) Layer pool2();",
        "@Flatten Layer flatten();",
        "@Dense(3) Layer logits();",
    };

    /** Conv WITH bias -> BN, and Dense WITH bias -> BN: BatchNormFold on its own folds the biases too. */
    private static final String[] FOLD_NET = {
        "@Conv2d(filters = 3, kernel = 3, padding = Padding.SAME) Layer conv1();",
        "@BatchNorm Layer bn1();",
        "@ReLU Layer act1();",
        "@Flatten Layer flatten();",
        "@Dense(6) Layer fc();",
        "@BatchNorm Layer bn2();",
        "@Tanh Layer act2();",
        "@Dense(3) Layer logits();",
    };
    private static final String FOLD_NET_ARGS = "input = {2, 5, 5}";

    /**
     * Conv-BN-ReLU and Conv-BN-LeakyReLU, no dropout: the fusion rule's two-layer form (no pool after the
     * activations, which MaxPoolBeforeMonotoneActivation would move between BatchNorm and activation).
     */
    private static final String[] RELU_NET = {
        "@Conv2d(filters = 4, kernel = 3) Layer conv1();",
        "@BatchNorm Layer bn1();",
        "@ReLU Layer relu1();",
        "@Conv2d(filters = 3, kernel = 3) Layer conv2();",
        "@BatchNorm Layer bn2();",
        "@LeakyReLU Layer relu2();",
        "@Flatten Layer flatten();",
        "@Dense(3) Layer logits();",
    };

    private record Pair(Model declared, Model rewritten, String declaredSource, String rewrittenSource) {}

    private static Pair compile(String name, String args, String[] layers) throws ReflectiveOperationException {
        JavaFileObject source = Models.model(name, args, layers);
        Model declared = null;
        Model rewritten = null;
        String declaredSource = null;
        String rewrittenSource = null;
        for (boolean rewrite : new boolean[] {false, true}) {
            List<String> options = new ArrayList<>();
            LintRules.all().forEach(r -> options.add("-Alamina.lint." + r.id() + "=OFF"));
            if (!rewrite) {
                options.add("-Alamina.rewrite=false");
            }
            Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).withOptions(options)
                    .compile(source);
            assertThat(compilation).succeeded();
            Class<?> generated = new GeneratedClassLoader(compilation).loadClass("test.Lamina" + name);
            Model model = (Model) generated.getMethod("create", long.class, DataType.class)
                    .invoke(null, 17L, DataType.DOUBLE);
            String text = generatedSource(compilation, name);
            if (rewrite) {
                rewritten = model;
                rewrittenSource = text;
            } else {
                declared = model;
                declaredSource = text;
            }
        }
        return new Pair(declared, rewritten, declaredSource, rewrittenSource);
    }

    /**
     * The declared model (processor, rewrites off) and the model with only {@link BatchNormFold}
     * applied to its IR, so that the biases before the BatchNorms stay; the second is generated from
     * the IR and compiled without the processor.
     */
    private static Pair compileFoldOnly(String name, String args, String[] layers)
            throws ReflectiveOperationException {
        JavaFileObject source = Models.model(name, args, layers);
        Pair declared = compile(name, args, layers);
        ModelIR ir = Models.readAndInfer(source);
        JavaFile folded = ModelGenerator.generate(Rewrites.plan(ir, new BatchNormFold().apply(ir), true), List.of());
        Compilation compilation = Compiler.javac().withOptions("-Xlint:all", "-Werror")
                .compile(source, folded.toJavaFileObject());
        assertThat(compilation).succeededWithoutWarnings();
        Model model = (Model) new GeneratedClassLoader(compilation).loadClass("test.Lamina" + name)
                .getMethod("create", long.class, DataType.class).invoke(null, 17L, DataType.DOUBLE);
        return new Pair(declared.declared(), model, declared.declaredSource(), folded.toString());
    }

    private static String generatedSource(Compilation compilation, String name) {
        JavaFileObject file = compilation.generatedSourceFile("test.Lamina" + name).orElseThrow();
        try {
            return file.getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void seedNet_biasElidedBeforeBatchNorm_equalOutputsAndGradients() throws ReflectiveOperationException {
        Pair pair = compile("SeedNet", SEED_NET_ARGS, Models.SEED_LAYERS);

        assertThat(names(pair.declared()).keySet()).containsAtLeast("conv1.bias", "conv2.bias", "fc1.bias");
        Map<String, Parameter> rewritten = names(pair.rewritten());
        assertThat(rewritten.keySet()).containsNoneOf("conv1.bias", "conv2.bias");
        assertThat(rewritten.keySet()).contains("fc1.bias");
        assertThat(pair.rewrittenSource()).contains("// rewrite BiasBeforeBatchNorm: bias elided");
        assertThat(pair.declaredSource()).doesNotContain("// rewrite");
        // The declared model's view is kept: same layer infos, same parameter counts.
        assertThat(infos(pair.rewritten())).isEqualTo(infos(pair.declared()));

        assertEquivalent(pair, 4, 1, 28, 28);
    }

    @Test
    void seedNet_poolMovesPastDropoutOnlyAtInference() throws ReflectiveOperationException {
        Pair pair = compile("SeedNet", SEED_NET_ARGS, Models.SEED_LAYERS);
        String training = forwardBody(pair.rewrittenSource());
        assertThat(training).doesNotContain("MaxPoolBeforeMonotoneActivation");
        // In training the layers keep their declared order (the fused call hands them out in it).
        int act = training.indexOf("afterFusedLayer(\"act1\"");
        int drop = training.indexOf("afterFusedLayer(\"drop1\"");
        int pool = training.indexOf("afterFusedLayer(\"pool1\"");
        assertThat(act).isAtLeast(0);
        assertThat(act).isLessThan(drop);
        assertThat(drop).isLessThan(pool);

        // At inference the dropouts are the identity and go, and with them what stopped the move.
        String inference = inferenceBody(pair.rewrittenSource());
        assertThat(inference).contains("// rewrite DropoutAtInference: 'drop1' before this layer is removed");
        assertThat(inference).contains("// rewrite MaxPoolBeforeMonotoneActivation: moved before 'act1'");
        assertThat(inference).contains("INDArray pool1Out = MaxPool2d.forward(conv1Out, POOL1_GEOMETRY);");
        assertThat(inference).contains("INDArray act1Out = ELU.forward(pool1Out, ACT1_ALPHA);");
        assertThat(inference).contains("INDArray pool2Out = MaxPool2d.forward(conv2Out, POOL2_GEOMETRY);");
        assertThat(inference).contains("INDArray act2Out = ELU.forward(pool2Out, ACT2_ALPHA);");
        assertThat(inference).doesNotContain("Dropout.");
        assertThat(inference).doesNotContain("drop1Out");
        assertThat(pair.declaredSource()).doesNotContain("inferencePass");

        assertEquivalent(pair, 4, 1, 28, 28);
    }

    @Test
    void poolNet_maxPoolMovedBeforeMonotoneActivations_equalOutputsAndGradients()
            throws ReflectiveOperationException {
        Pair pair = compile("PoolNet", "input = {1, 14, 14}", POOL_NET);
        String source = pair.rewrittenSource();
        assertThat(source).contains("// rewrite MaxPoolBeforeMonotoneActivation: moved before 'act1'");
        assertThat(source).contains("// rewrite MaxPoolBeforeMonotoneActivation: moved before 'relu2', 'tanh2'");
        assertThat(source).contains("INDArray pool1Out = MaxPool2d.forward(conv1Out, POOL1_GEOMETRY);");
        assertThat(source).contains("INDArray act1Out = ELU.forward(pool1Out, ACT1_ALPHA);");
        assertThat(source).contains("INDArray pool2Out = MaxPool2d.forward(conv2Out, POOL2_GEOMETRY);");
        assertThat(source).contains("INDArray relu2Out = ReLU.forward(pool2Out);");
        assertThat(source).contains("INDArray tanh2Out = Tanh.forward(relu2Out);");
        assertThat(source).contains("INDArray flattenOut = Flatten.forward(tanh2Out);");
        assertThat(pair.declaredSource()).contains("INDArray pool1Out = MaxPool2d.forward(act1Out, POOL1_GEOMETRY);");
        assertThat(infos(pair.rewritten())).isEqualTo(infos(pair.declared()));
        assertThat(names(pair.rewritten()).keySet()).isEqualTo(names(pair.declared()).keySet());

        assertEquivalent(pair, 5, 1, 14, 14);
    }

    @Test
    void seedNet_batchNormEluDropoutFused_equalOutputsGradientsAndRunningStatistics()
            throws ReflectiveOperationException {
        Pair pair = compile("SeedNet", SEED_NET_ARGS, Models.SEED_LAYERS);
        assertThat(pair.rewrittenSource()).contains(
                "// fusion BatchNormActivation: backward of bn1 + act1 + drop1 + pool1 in one pass");
        assertThat(pair.rewrittenSource()).contains(
                "// fusion BatchNormActivation: backward of bn2 + act2 + drop2 + pool2 in one pass");
        assertThat(pair.declaredSource()).doesNotContain("BatchNormActivation");

        assertEquivalent(pair, 4, 1, 28, 28);
        assertBuffersClose(pair);
    }

    @Test
    void batchNormReluWithoutDropout_fused_equalOutputsGradientsAndRunningStatistics()
            throws ReflectiveOperationException {
        Pair pair = compile("ReluNet", "input = {1, 12, 12}", RELU_NET);
        String source = pair.rewrittenSource();
        assertThat(source).contains("// fusion BatchNormActivation: backward of bn1 + relu1 in one pass");
        assertThat(source).contains("// fusion BatchNormActivation: backward of bn2 + relu2 in one pass");
        assertThat(source.replaceAll("\\s+", " ")).contains("INDArray dConv1Out = BatchNormActivation.backward("
                + "dRelu1Out, bn1Fusion, bn1Gamma.value(), bn1Gamma.grad(), bn1Beta.grad());");
        assertThat(pair.declaredSource()).doesNotContain("BatchNormActivation");

        assertEquivalent(pair, 5, 1, 12, 12);
        assertBuffersClose(pair);
    }

    @Test
    void seedNet_layerObserverSeesEveryLayer_andTheSameOutputAsWithout() throws ReflectiveOperationException {
        Pair pair = compile("SeedNet", SEED_NET_ARGS, Models.SEED_LAYERS);
        Model model = pair.rewritten();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 1, 28, 28).subi(0.3);
        List<String> seen = new ArrayList<>();
        model.seedDropout(7);
        INDArray observed = model.forward(x, true, (layer, output) -> seen.add(layer));
        assertThat(seen).containsExactly("conv1", "bn1", "act1", "drop1", "pool1", "conv2", "bn2", "act2", "drop2",
                "pool2", "flatten", "fc1", "act3", "logits").inOrder();
        model.seedDropout(7);
        assertClose("training forward, observed vs not", observed, model.forward(x, true));
    }

    /**
     * BatchNorm's running variances after the training pass of {@link #assertEquivalent}. The running
     * means differ by the bias that BiasBeforeBatchNorm elided; assertEquivalent's inference after
     * training checks them.
     */
    private static void assertBuffersClose(Pair pair) {
        Map<String, INDArray> a = pair.declared().buffers();
        Map<String, INDArray> b = pair.rewritten().buffers();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        int compared = 0;
        for (String name : a.keySet()) {
            if (name.endsWith(".running_var")) {
                assertClose(name, a.get(name), b.get(name));
                compared++;
            }
        }
        assertThat(compared).isEqualTo(2);
    }

    @Test
    void firstLayer_computesNoInputGradient() throws ReflectiveOperationException {
        Pair pair = compile("SeedNet", SEED_NET_ARGS, Models.SEED_LAYERS);
        for (String source : List.of(pair.declaredSource(), pair.rewrittenSource())) {
            String flat = source.replaceAll("\\s+", " ");
            // conv1's backward passes needInputGradient = false and declares no dL/d(input).
            assertThat(flat).containsMatch("Conv2d\\.backward\\(conv1Input, [^;]*, NO_INPUT_GRADIENT\\);");
            assertThat(flat).containsMatch("INDArray dPool1Out = Conv2d\\.backward\\(conv2Input, [^;]*, INPUT_GRADIENT\\);");
            assertThat(flat).doesNotContain("dInput");
        }
    }

    @Test
    void seedNet_batchNormFoldedIntoConvForInference() throws ReflectiveOperationException {
        Pair pair = compile("SeedNet", SEED_NET_ARGS, Models.SEED_LAYERS);
        String source = pair.rewrittenSource();
        String flat = source.replaceAll("\\s+", " ");
        assertThat(source).contains("// rewrite BatchNormFold: folds 'bn1' into this layer's weight and bias for inference");
        assertThat(source).contains("// rewrite BatchNormFold: folded into 'conv2' for inference");
        assertThat(flat).contains("if (mayRunInferencePass(training)) { "
                + "return inferencePass(input); }");
        String inference = inferenceBody(source).replaceAll("\\s+", " ");
        assertThat(inference).contains("BatchNormFold.intoConv2d(conv1Weight.value(), null, "
                + "bn1Gamma.value(), bn1Beta.value(), bn1RunningMean, bn1RunningVar, BN1_EPSILON, conv1FoldedWeight, "
                + "conv1FoldedBias); INDArray conv1Out = Conv2d.forward(input, conv1FoldedWeight, conv1FoldedBias,");
        // The inference pass runs no BatchNorm; BatchNorm.forwardInference is left to observed passes.
        assertThat(inference).doesNotContain("BatchNorm.forwardInference");
        assertThat(inference).doesNotContain("bn1Out");
        assertThat(forwardBody(source)).doesNotContain("BatchNormFold.into");
        assertThat(pair.declaredSource()).doesNotContain("BatchNormFold");
        // Training does not fold: the seed-net equivalence test compares training forward and gradients.

        Model model = pair.rewritten();
        randomizeBatchNorms(model, 3);
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 1, 28, 28).subi(0.3);
        INDArray folded = model.forward(x, false);
        INDArray foldedWeight = privateArray(model, "conv1FoldedWeight");
        assertWithMessage("conv1's folded weight after a folded pass").that(foldedWeight.amaxNumber().doubleValue())
                .isGreaterThan(0.0);
        foldedWeight.assign(0);
        List<String> observed = new ArrayList<>();
        INDArray unfolded = model.forward(x, false, (layer, output) -> observed.add(layer));
        // An observed pass runs the declared layers (not the fold) and shows each of them.
        assertThat(foldedWeight.amaxNumber().doubleValue()).isEqualTo(0.0);
        assertThat(observed).containsAtLeast("conv1", "bn1", "conv2", "bn2").inOrder();
        assertClose("folded against unfolded inference", unfolded, folded);
        assertThat(model.firstNonFiniteLayer(x, false)).isEmpty();
        assertThat(foldedWeight.amaxNumber().doubleValue()).isEqualTo(0.0);
    }

    @Test
    void foldOnly_convAndDenseWithBias_equalOutputsAndGradients() throws ReflectiveOperationException {
        Pair pair = compileFoldOnly("FoldNet", FOLD_NET_ARGS, FOLD_NET);
        String flat = pair.rewrittenSource().replaceAll("\\s+", " ");
        assertThat(flat).contains("BatchNormFold.intoConv2d(conv1Weight.value(), conv1Bias.value(), bn1Gamma.value(),");
        assertThat(flat).contains("BatchNormFold.intoDense(fcWeight.value(), fcBias.value(), bn2Gamma.value(),");
        assertThat(flat).contains("fcOut = Dense.forward(flattenOut, fcFoldedWeight, fcFoldedBias);");
        // fc's output is bn2's: the inference pass goes on from it without a BatchNorm.
        assertThat(inferenceBody(pair.rewrittenSource()).replaceAll("\\s+", " "))
                .contains("INDArray act2Out = Tanh.forward(fcOut);");
        assertThat(flat).doesNotContain("BiasBeforeBatchNorm");
        assertThat(names(pair.rewritten()).keySet()).isEqualTo(names(pair.declared()).keySet());

        assertEquivalent(pair, 4, 2, 5, 5);

        // Statistics and affine pairs far from their start, the same in both models.
        randomizeBatchNorms(pair.declared(), 8);
        randomizeBatchNorms(pair.rewritten(), 8);
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 5, 5).subi(0.5);
        assertClose("inference with trained-looking BatchNorms", pair.declared().forward(x, false),
                pair.rewritten().forward(x, false));
    }

    @Test
    void foldNet_allRewrites_denseBeforeBatchNormFoldedWithoutItsBias() throws ReflectiveOperationException {
        Pair pair = compile("FoldNet", FOLD_NET_ARGS, FOLD_NET);
        String flat = pair.rewrittenSource().replaceAll("\\s+", " ");
        assertThat(flat).contains("BatchNormFold.intoDense(fcWeight.value(), null, bn2Gamma.value(),");
        assertThat(flat).contains("// rewrite BatchNormFold: folds 'bn2' into this layer's weight and bias");
        assertThat(pair.declaredSource()).doesNotContain("BatchNormFold");

        assertEquivalent(pair, 4, 2, 5, 5);
    }

    /** Sets every BatchNorm's gamma, beta, running mean and (positive) running variance from {@code seed}. */
    private static void randomizeBatchNorms(Model model, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (Parameter p : names(model).values()) {
            if (p.name().endsWith(".gamma") || p.name().endsWith(".beta")) {
                p.value().assign(Nd4j.randn(DataType.DOUBLE, p.value().shape()));
            }
        }
        for (Map.Entry<String, INDArray> buffer : new TreeMap<>(model.buffers()).entrySet()) {
            INDArray random = Nd4j.rand(DataType.DOUBLE, buffer.getValue().shape());
            buffer.getValue().assign(buffer.getKey().endsWith(".running_var") ? random.addi(0.2) : random.subi(0.5));
        }
    }

    private static INDArray privateArray(Model model, String field) throws ReflectiveOperationException {
        java.lang.reflect.Field f = model.getClass().getDeclaredField(field);
        f.setAccessible(true);
        return (INDArray) f.get(model);
    }

    /** Training forward, gradients by name, and inference before and after, within {@link #TOLERANCE}. */
    private static void assertEquivalent(Pair pair, long... inputShape) {
        Model a = pair.declared();
        Model b = pair.rewritten();
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.DOUBLE, inputShape).subi(0.3);

        assertClose("fresh inference", a.forward(x, false), b.forward(x, false));

        a.seedDropout(99);
        b.seedDropout(99);
        INDArray outA = a.forward(x, true);
        INDArray outB = b.forward(x, true);
        assertClose("training forward", outA, outB);

        int classes = (int) outA.size(1);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, inputShape[0], classes);
        for (int i = 0; i < inputShape[0]; i++) {
            y.putScalar(i, (i * 7) % classes, 1.0);
        }
        LossFunction loss = LossFunction.of(a.loss());
        a.zeroGrad();
        b.zeroGrad();
        a.backward(loss.gradient(outA, y));
        b.backward(loss.gradient(outB, y));
        Map<String, Parameter> gradsA = names(a);
        Map<String, Parameter> gradsB = names(b);
        for (Map.Entry<String, Parameter> entry : gradsB.entrySet()) {
            Parameter declared = gradsA.get(entry.getKey());
            assertWithMessage("parameter %s of the rewritten model", entry.getKey()).that(declared).isNotNull();
            assertWithMessage("value of %s", entry.getKey()).that(entry.getValue().value())
                    .isEqualTo(declared.value());
            assertClose(entry.getKey() + " gradient", declared.grad(), entry.getValue().grad());
        }

        // The training pass moved the running statistics; the elided bias is in the running mean's start.
        assertClose("inference after a training pass", a.forward(x, false), b.forward(x, false));
    }

    private static void assertClose(String what, INDArray expected, INDArray actual) {
        assertWithMessage("%s shape", what).that(actual.shape()).isEqualTo(expected.shape());
        double scale = expected.amaxNumber().doubleValue();
        double difference = expected.sub(actual).amaxNumber().doubleValue();
        assertWithMessage("%s: max |difference| %s, max |value| %s", what, difference, scale)
                .that(difference).isAtMost(TOLERANCE * scale);
        assertWithMessage("%s is all zeros, which proves nothing", what).that(scale).isGreaterThan(0.0);
    }

    /** The body of the generated {@code forward(INDArray, boolean)}. */
    private static String forwardBody(String source) {
        return methodBody(source, "public INDArray forward(INDArray input, boolean training) {");
    }

    /** The body of the generated inference pass. */
    private static String inferenceBody(String source) {
        return methodBody(source, "private INDArray inferencePass(INDArray input) {");
    }

    private static String methodBody(String source, String signature) {
        int start = source.indexOf(signature);
        assertWithMessage("generated source has %s", signature).that(start).isAtLeast(0);
        return source.substring(start, source.indexOf("\n    }\n", start));
    }

    private static Map<String, Parameter> names(Model model) {
        return model.parameters().stream()
                .collect(Collectors.toMap(Parameter::name, p -> p, (p, q) -> p, TreeMap::new));
    }

    private static List<String> infos(Model model) {
        return model.layers().stream()
                .map(l -> l.name() + " " + java.util.Arrays.toString(l.outputShape()) + " " + l.parameterCount())
                .toList();
    }
}
