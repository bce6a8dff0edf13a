package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.BlockIr.concat;
import static dev.lamina.processor.testing.BlockIr.layer;
import static dev.lamina.processor.testing.BlockIr.parts;
import static dev.lamina.processor.testing.BlockIr.repeat;
import static dev.lamina.processor.testing.BlockIr.residual;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import com.palantir.javapoet.JavaFile;
import dev.lamina.processor.codegen.ModelGenerator;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Step;
import dev.lamina.processor.rewrite.Rewrites;
import dev.lamina.processor.testing.BlockIr;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Generated code of models with blocks, built by hand as the reader names them: every parameter's
 * gradient against central finite differences in DOUBLE (residual with an identity and a projection
 * shortcut, a residual that reads the model's input, concatenation with and without the input,
 * repeated units, blocks nested in blocks), the inference pass against the declared layers with the
 * rewrites on, and a residual model's forward and backward against a reference written out here.
 */
class BlockModelsTest {
    private static final double EPS = 1e-6;

    private static LayerSpec conv(int filters, int kernel, int stride) {
        return new LayerSpec.Conv2d(filters, kernel, stride, LayerSpec.Conv2d.Padding.SAME, true);
    }

    private static LayerSpec convNoBias(int filters, int kernel, int stride) {
        return new LayerSpec.Conv2d(filters, kernel, stride, LayerSpec.Conv2d.Padding.SAME, false);
    }

    private static LayerSpec bn() {
        return new LayerSpec.BatchNorm(0.1, 1e-5);
    }

    private static LayerSpec relu() {
        return new LayerSpec.Activation(Function.RELU, 0);
    }

    private static LayerSpec tanh() {
        return new LayerSpec.Activation(Function.TANH, 0);
    }

    private static LayerSpec dense(int units) {
        return new LayerSpec.Dense(units, true);
    }

    private static LayerSpec gap() {
        return new LayerSpec.GlobalAvgPool2d();
    }

    private static LayerSpec maxPool(int size) {
        return new LayerSpec.Pool2d(LayerSpec.Pool2d.Mode.MAX, size, size);
    }

    /** conv-BN-tanh, then a basic unit with an identity shortcut, then one with a projection. */
    static ModelIR resNet() {
        return BlockIr.model("ResNet", Loss.SOFTMAX_CROSS_ENTROPY, new int[] {2, 6, 6},
                layer("conv1", convNoBias(3, 3, 1)),
                layer("bn1", bn()),
                layer("act1", tanh()),
                residual("res1", parts(layer("conv1", conv(3, 3, 1)), layer("bn1", bn()), layer("act", tanh()),
                        layer("conv2", conv(3, 3, 1)), layer("bn2", bn())), List.of()),
                layer("act2", tanh()),
                residual("down", parts(layer("conv1", conv(4, 3, 2)), layer("bn1", bn()), layer("act", tanh()),
                        layer("conv2", conv(4, 3, 1))),
                        parts(layer("conv", convNoBias(4, 1, 2)), layer("bn", bn()))),
                layer("gap", gap()),
                layer("fc", dense(3)));
    }

    @Test
    void residualWithIdentityAndProjectionShortcuts_gradientsMatchFiniteDifferences() throws Exception {
        assertGradientsMatch(resNet(), 4, new int[] {2, 6, 6});
    }

    @Test
    void residualThatReadsTheModelInput_gradientsMatchFiniteDifferences() throws Exception {
        ModelIR model = BlockIr.model("InputResidual", Loss.SOFTMAX_CROSS_ENTROPY, new int[] {5},
                residual("res", parts(layer("fc1", dense(4)), layer("act", tanh()), layer("fc2", dense(5))), List.of()),
                layer("act", tanh()),
                layer("fc", dense(3)));
        assertGradientsMatch(model, 3, new int[] {5});
    }

    @Test
    void concatenationWithAndWithoutTheInput_gradientsMatchFiniteDifferences() throws Exception {
        ModelIR model = BlockIr.model("Inception", Loss.SOFTMAX_CROSS_ENTROPY, new int[] {2, 5, 5},
                layer("stem", conv(3, 3, 1)),
                concat("mix", false,
                        parts(layer("conv", conv(2, 1, 1))),
                        parts(layer("conv1", conv(2, 1, 1)), layer("act", tanh()), layer("conv2", conv(3, 3, 1))),
                        parts(layer("pool", maxPool(1)), layer("conv", conv(1, 1, 1)))),
                layer("act", tanh()),
                concat("dense", true, parts(layer("bn", bn()), layer("act", tanh()), layer("conv", conv(2, 3, 1)))),
                layer("gap", gap()),
                layer("fc", dense(3)));
        assertGradientsMatch(model, 3, new int[] {2, 5, 5});
    }

    @Test
    void repeatedUnitsAndNestedBlocks_gradientsMatchFiniteDifferences() throws Exception {
        List<BlockIr.Part> unit = parts(
                residual("res", parts(layer("fc1", dense(4)), layer("act", tanh()),
                        concat("mix", true, parts(layer("fc", dense(2))), parts(layer("fc", dense(1)))),
                        layer("fc2", dense(4))), List.of()),
                layer("act", tanh()));
        List<BlockIr.Part> all = new ArrayList<>(parts(layer("fc0", dense(4))));
        all.addAll(repeat("stage", 2, unit));
        all.add(layer("fc", dense(3)));
        ModelIR model = BlockIr.model("Nested", Loss.SOFTMAX_CROSS_ENTROPY, new int[] {3},
                all.toArray(BlockIr.Part[]::new));
        assertThat(model.layers().stream().map(n -> n.name()).toList()).contains("stage[1].res.mix.b1.fc");
        assertGradientsMatch(model, 3, new int[] {3});
    }

    /**
     * Paths that inference empties: a shortcut and a concatenated branch of Dropout alone become the
     * identity when the inference pass drops them, at the very start of the model and after it.
     */
    @Test
    void pathsThatInferenceEmpties_giveTheDeclaredOutputsAndGradients() throws Exception {
        ModelIR model = BlockIr.model("Emptied", Loss.SOFTMAX_CROSS_ENTROPY, new int[] {4},
                residual("res", parts(layer("drop", new LayerSpec.Dropout(0.0)), layer("fc", dense(4))),
                        parts(layer("drop", new LayerSpec.Dropout(0.0)))),
                concat("cat", true, parts(layer("drop", new LayerSpec.Dropout(0.0)))),
                layer("fc", dense(3)));
        assertGradientsMatch(model, 3, new int[] {4});
        INDArray x = uniform(8, 5, 4).sub(0.5);
        INDArray expected = create(model, false, 2).forward(x, false);
        INDArray actual = create(model, true, 2).forward(x, false);
        assertWithMessage("max |difference|").that(Transforms.abs(expected.sub(actual)).maxNumber().doubleValue())
                .isLessThan(1e-12);
        assertThat(generate(model, true).toString()).contains("private INDArray inferencePass(");
    }

    @Test
    void rewrittenInferencePass_equalsTheDeclaredLayers() throws Exception {
        ModelIR model = resNet();
        Model rewritten = create(model, true, 7);
        Model declared = create(model, false, 7);
        INDArray x = uniform(3, 4, 2, 6, 6);
        // Training passes update the running statistics the same way in both.
        for (int step = 0; step < 2; step++) {
            rewritten.forward(x.mul(step + 1), true);
            declared.forward(x.mul(step + 1), true);
        }
        INDArray expected = declared.forward(x, false);
        INDArray actual = rewritten.forward(x, false);
        assertWithMessage("max |difference|").that(Transforms.abs(expected.sub(actual)).maxNumber().doubleValue())
                .isLessThan(1e-9);
    }

    @Test
    void generatedSourceHasASectionPerBlockUseAndSumsForkedGradients() {
        String source = generate(resNet(), true).toString();
        int forward = source.indexOf("public INDArray forward(");
        int heading = source.indexOf("// ---- res1: residual block, x + Body(x) ----", forward);
        assertThat(heading).isGreaterThan(forward);
        assertThat(heading).isLessThan(source.indexOf("private INDArray inferencePass(", forward));
        assertThat(source).contains("// ---- down: residual block, Shortcut(x) + Body(x) ----");
        assertThat(source).contains("INDArray res1Out = Add.forward(act1Out, res1Bn2Out);");
        assertThat(source).contains("INDArray dAct1Out = dAct1OutViaRes1Conv1.add(dRes1Out);");
        assertThat(source).contains("public Layer res1() {");
    }

    /**
     * in [3] -> fc1 (Dense 4) -> relu -> res {fc2 (Dense 4) -> relu -> fc3 (Dense 4)} + identity
     * -> concat {x, branch fc4 (Dense 2)} -> fc5 (Dense 2), written out with matrix products.
     */
    @Test
    void residualModel_forwardAndBackwardEqualAStraightLineReference() throws Exception {
        ModelIR ir = BlockIr.model("Reference", Loss.SOFTMAX_CROSS_ENTROPY, new int[] {3},
                layer("fc1", dense(4)),
                layer("relu", relu()),
                residual("res", parts(layer("fc2", dense(4)), layer("relu", relu()), layer("fc3", dense(4))), List.of()),
                concat("cat", true, parts(layer("fc4", dense(2)))),
                layer("fc5", dense(2)));
        Model model = create(ir, true, 11);
        INDArray x = uniform(5, 6, 3).sub(0.5);
        INDArray dy = uniform(6, 6, 2).sub(0.5);

        INDArray w1 = value(model, "fc1.weight"), b1 = value(model, "fc1.bias");
        INDArray w2 = value(model, "res.fc2.weight"), b2 = value(model, "res.fc2.bias");
        INDArray w3 = value(model, "res.fc3.weight"), b3 = value(model, "res.fc3.bias");
        INDArray w4 = value(model, "cat.b0.fc4.weight"), b4 = value(model, "cat.b0.fc4.bias");
        INDArray w5 = value(model, "fc5.weight"), b5 = value(model, "fc5.bias");

        INDArray z1 = x.mmul(w1).addRowVector(b1);
        INDArray h = Transforms.relu(z1, true);
        INDArray z2 = h.mmul(w2).addRowVector(b2);
        INDArray r = Transforms.relu(z2, true);
        INDArray f = r.mmul(w3).addRowVector(b3);
        INDArray s = h.add(f);
        INDArray g = s.mmul(w4).addRowVector(b4);
        INDArray c = Nd4j.concat(1, s, g);
        INDArray y = c.mmul(w5).addRowVector(b5);

        INDArray out = model.forward(x, true);
        assertClose("output", y, out);

        model.zeroGrad();
        model.backward(dy);
        INDArray dc = dy.mmul(w5.transpose());
        INDArray dg = dc.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 6));
        INDArray ds = dc.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4)).add(dg.mmul(w4.transpose()));
        INDArray dr = ds.mmul(w3.transpose());
        INDArray dz2 = dr.mul(z2.gt(0).castTo(DataType.DOUBLE));
        INDArray dh = ds.add(dz2.mmul(w2.transpose()));
        INDArray dz1 = dh.mul(z1.gt(0).castTo(DataType.DOUBLE));

        assertClose("fc5.weight", c.transpose().mmul(dy), grad(model, "fc5.weight"));
        assertClose("cat.b0.fc4.weight", s.transpose().mmul(dg), grad(model, "cat.b0.fc4.weight"));
        assertClose("res.fc3.weight", r.transpose().mmul(ds), grad(model, "res.fc3.weight"));
        assertClose("res.fc2.bias", dz2.sum(0), grad(model, "res.fc2.bias"));
        assertClose("fc1.weight", x.transpose().mmul(dz1), grad(model, "fc1.weight"));
        assertClose("fc1.bias", dz1.sum(0), grad(model, "fc1.bias"));
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

    private static void assertClose(String what, INDArray expected, INDArray actual) {
        assertWithMessage(what + " shape").that(actual.shape()).isEqualTo(expected.shape());
        double diff = Transforms.abs(expected.reshape(actual.shape()).sub(actual)).maxNumber().doubleValue();
        assertWithMessage(what + ": max |difference|").that(diff).isLessThan(1e-10);
    }

    private static INDArray value(Model model, String name) {
        return parameter(model, name).value();
    }

    private static INDArray grad(Model model, String name) {
        return parameter(model, name).grad();
    }

    private static Parameter parameter(Model model, String name) {
        return model.parameters().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no parameter " + name + " in "
                        + model.parameters().stream().map(Parameter::name).toList()));
    }

    /** Every parameter's analytic gradient of {@code sum(forward(x) * r)} against central differences at a few entries. */
    private static void assertGradientsMatch(ModelIR ir, int batch, int[] input) throws Exception {
        for (boolean rewrite : new boolean[] {false, true}) {
            Model model = create(ir, rewrite, 1);
            long[] shape = new long[input.length + 1];
            shape[0] = batch;
            for (int i = 0; i < input.length; i++) {
                shape[i + 1] = input[i];
            }
            INDArray x = uniform(2, shape).sub(0.5);
            INDArray probe = model.forward(x, true);
            INDArray r = Nd4j.rand(new Random(3).nextLong(), probe.shape()).castTo(DataType.DOUBLE).sub(0.5);

            model.zeroGrad();
            model.forward(x, true);
            model.backward(r);
            Random pick = new Random(4);
            for (Parameter p : model.parameters()) {
                INDArray flat = p.value().reshape(p.value().length());
                INDArray grad = p.grad().dup().reshape(p.grad().length());
                for (int k = 0; k < Math.min(5, flat.length()); k++) {
                    long i = pick.nextInt((int) flat.length());
                    double saved = flat.getDouble(i);
                    flat.putScalar(i, saved + EPS);
                    double up = model.forward(x, true).mul(r).sumNumber().doubleValue();
                    flat.putScalar(i, saved - EPS);
                    double down = model.forward(x, true).mul(r).sumNumber().doubleValue();
                    flat.putScalar(i, saved);
                    double numeric = (up - down) / (2 * EPS);
                    assertWithMessage("%s[%s] (rewrites %s) of %s", p.name(), i, rewrite, ir.interfaceName())
                            .that(grad.getDouble(i)).isWithin(1e-6 + 1e-5 * Math.abs(numeric)).of(numeric);
                }
            }
        }
    }

    private static JavaFile generate(ModelIR ir, boolean rewrite) {
        return ModelGenerator.generate(Rewrites.plan(ir, rewrite), List.of());
    }

    private static Model create(ModelIR ir, boolean rewrite, long seed) throws Exception {
        Compilation compilation = Compiler.javac().withOptions("-Xlint:all", "-Werror")
                .compile(modelInterface(ir), generate(ir, rewrite).toJavaFileObject());
        assertThat(compilation).succeededWithoutWarnings();
        Class<?> generated = new GeneratedClassLoader(compilation).loadClass("test." + ir.generatedName());
        return (Model) generated.getMethod("create", long.class, DataType.class).invoke(null, seed, DataType.DOUBLE);
    }

    /** The interface the reader would have read: one method per step the model declares. */
    private static javax.tools.JavaFileObject modelInterface(ModelIR ir) {
        Set<String> methods = new LinkedHashSet<>();
        for (Step step : ir.steps()) {
            methods.add(step instanceof Group group ? group.repeat() : step.name());
        }
        StringBuilder source = new StringBuilder("package test;\nimport dev.lamina.dsl.Layer;\npublic interface ")
                .append(ir.interfaceName()).append(" {\n");
        methods.forEach(m -> source.append("    Layer ").append(m).append("();\n"));
        return JavaFileObjects.forSourceString("test." + ir.interfaceName(), source.append("}\n").toString());
    }
}
