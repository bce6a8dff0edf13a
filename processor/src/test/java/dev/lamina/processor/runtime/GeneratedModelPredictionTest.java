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
import dev.lamina.runtime.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code predict} and {@code predictClasses} of generated models, per loss, checked against the
 * activations computed here from {@code forward(x, false)}; and the input types a generated model
 * takes: any floating-point type, cast to its own, and a clear error for integers.
 */
class GeneratedModelPredictionTest {
    /** Conv, BatchNorm and Dropout: predictions must use running statistics and no dropout. */
    private static final String[] CLASSIFIER = {
        "@Conv2d(filters = 2, kernel = 3) Layer conv();",
        "@BatchNorm Layer bn();",
        "@ReLU Layer act();",
        "@Dropout(rate = 0.5) Layer drop();",
        "@Flatten Layer flatten();",
        "@Dense(4) Layer logits();",
    };
    private static final String[] MULTI_LABEL = {
        "@Flatten Layer flatten();",
        "@Dense(6) Layer hidden();",
        "@Tanh Layer act();",
        "@Dense(3) Layer logits();",
    };
    private static final String[] REGRESSION = {
        "@Dense(2) Layer out();",
    };
    private static final String[] TAGGER = {
        "@Embedding(vocabulary = 7, dim = 8) Layer tokens();",
        "@Dense(4) Layer logits();",
    };

    private static Class<?> classifier;
    private static Class<?> multiLabel;
    private static Class<?> regression;
    private static Class<?> tagger;

    @BeforeAll
    static void compile() throws ClassNotFoundException {
        List<String> options = new ArrayList<>();
        LintRules.all().forEach(r -> options.add("-Alamina.lint." + r.id() + "=OFF"));
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor()).withOptions(options).compile(
                model("Classifier", "input = {1, 5, 5}", CLASSIFIER),
                model("MultiLabel", "input = {1, 4, 4}, loss = Loss.SIGMOID_BINARY_CROSS_ENTROPY", MULTI_LABEL),
                model("Regression", "input = {3}, loss = Loss.MSE", REGRESSION),
                model("Tagger", "input = {5}, tokens = true", TAGGER));
        assertThat(compilation).succeeded();
        GeneratedClassLoader loader = new GeneratedClassLoader(compilation);
        classifier = loader.loadClass("test.LaminaClassifier");
        multiLabel = loader.loadClass("test.LaminaMultiLabel");
        regression = loader.loadClass("test.LaminaRegression");
        tagger = loader.loadClass("test.LaminaTagger");
    }

    private static Model create(Class<?> generated, DataType type) throws ReflectiveOperationException {
        return (Model) generated.getMethod("create", long.class, DataType.class).invoke(null, 11L, type);
    }

    private static INDArray gaussian(DataType type, long seed, long... shape) {
        Random random = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, 2 * random.nextGaussian());
        }
        return x.castTo(type);
    }

    /** Softmax over the last axis, in double, written out here as the reference. */
    private static double[][] softmaxRows(INDArray logits) {
        long k = logits.size(logits.rank() - 1);
        double[] x = logits.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[][] rows = new double[(int) (x.length / k)][(int) k];
        for (int r = 0; r < rows.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, x[(int) (r * k + j)]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                rows[r][j] = Math.exp(x[(int) (r * k + j)] - max);
                sum += rows[r][j];
            }
            for (int j = 0; j < k; j++) {
                rows[r][j] /= sum;
            }
        }
        return rows;
    }

    private static int argMax(double[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }

    @Test
    void softmaxModelPredictsProbabilitiesAndClassesInInferenceMode() throws Exception {
        Model model = create(classifier, DataType.DOUBLE);
        // Running statistics away from their initial values, so that batch statistics would differ.
        for (int i = 0; i < 3; i++) {
            model.forward(gaussian(DataType.DOUBLE, 100 + i, 8, 1, 5, 5), true);
        }
        INDArray runningMean = model.buffers().values().iterator().next().dup();
        INDArray x = gaussian(DataType.DOUBLE, 1, 6, 1, 5, 5);

        INDArray probabilities = model.predict(x);
        INDArray classes = model.predictClasses(x);

        double[][] expected = softmaxRows(model.forward(x, false));
        assertThat(probabilities.shape()).isEqualTo(new long[] {6, 4});
        assertThat(probabilities.dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(classes.shape()).isEqualTo(new long[] {6});
        assertThat(classes.dataType()).isEqualTo(DataType.LONG);
        for (int n = 0; n < 6; n++) {
            assertThat(probabilities.getRow(n).toDoubleVector()).usingTolerance(1e-12).containsExactly(expected[n])
                    .inOrder();
            assertThat(probabilities.getRow(n).sumNumber().doubleValue()).isWithin(1e-12).of(1.0);
            assertThat(classes.getLong(n)).isEqualTo(argMax(expected[n]));
        }
        // Inference mode: the same answer twice (no dropout), running statistics untouched, nothing for backward.
        assertThat(model.predict(x)).isEqualTo(probabilities);
        assertThat(model.buffers().values().iterator().next()).isEqualTo(runningMean);
        IllegalStateException noBackward = assertThrows(IllegalStateException.class,
                () -> model.backward(Nd4j.zeros(DataType.DOUBLE, 6, 4)));
        assertThat(noBackward).hasMessageThat().contains("forward(input, true)");
    }

    @Test
    void perPositionModelTakesTheSoftmaxAndArgMaxOverTheClassAxisAtEveryPosition() throws Exception {
        Model model = create(tagger, DataType.FLOAT);
        INDArray ids = Nd4j.createFromArray(new int[][] {{0, 1, 2, 3, 4}, {6, 5, 4, 3, 2}, {1, 1, 1, 1, 1}});

        INDArray probabilities = model.predict(ids);
        INDArray classes = model.predictClasses(ids);

        assertThat(probabilities.shape()).isEqualTo(new long[] {3, 5, 4});
        assertThat(classes.shape()).isEqualTo(new long[] {3, 5});
        double[][] expected = softmaxRows(model.forward(ids, false));
        double[] actual = probabilities.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        long[] actualClasses = classes.dup('c').data().asLong();
        for (int position = 0; position < 15; position++) {
            for (int k = 0; k < 4; k++) {
                assertThat(actual[position * 4 + k]).isWithin(1e-6).of(expected[position][k]);
            }
            assertThat(actualClasses[position]).isEqualTo(argMax(expected[position]));
        }
    }

    @Test
    void sigmoidModelPredictsEachUnitAndThresholdsItAtOneHalf() throws Exception {
        Model model = create(multiLabel, DataType.DOUBLE);
        INDArray x = gaussian(DataType.DOUBLE, 2, 20, 1, 4, 4);

        INDArray probabilities = model.predict(x);
        INDArray present = model.predictClasses(x);

        double[] logits = model.forward(x, false).dup('c').data().asDouble();
        double[] p = probabilities.dup('c').data().asDouble();
        long[] flags = present.dup('c').data().asLong();
        assertThat(present.shape()).isEqualTo(new long[] {20, 3});
        assertThat(present.dataType()).isEqualTo(DataType.LONG);
        boolean sawBoth = false;
        for (int i = 0; i < logits.length; i++) {
            assertThat(p[i]).isWithin(1e-12).of(1 / (1 + Math.exp(-logits[i])));
            assertThat(flags[i]).isEqualTo(p[i] > 0.5 ? 1 : 0);
            sawBoth |= flags[i] != flags[0];
        }
        assertThat(sawBoth).isTrue();
    }

    @Test
    void regressionModelPredictsItsOutputAndHasNoClasses() throws Exception {
        Model model = create(regression, DataType.DOUBLE);
        INDArray x = gaussian(DataType.DOUBLE, 3, 5, 3);

        assertThat(model.predict(x)).isEqualTo(model.forward(x, false));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> model.predictClasses(x));
        assertThat(e).hasMessageThat().contains("regression");
        assertThat(e).hasMessageThat().contains("no classes");
        assertThat(e).hasMessageThat().contains("predict(x)");
    }

    @Test
    void floatAndDoubleModelsTakeFloatAndDoubleInputsCastToTheirOwnType() throws Exception {
        INDArray x = gaussian(DataType.DOUBLE, 4, 6, 1, 5, 5);
        for (DataType modelType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Model model = create(classifier, modelType);
            INDArray sameType = model.forward(x.castTo(modelType), false);
            for (DataType inputType : new DataType[] {DataType.FLOAT, DataType.DOUBLE, DataType.HALF}) {
                INDArray output = model.forward(x.castTo(inputType), false);
                assertThat(output.dataType()).isEqualTo(modelType);
                double tolerance = inputType == DataType.HALF ? 0.05 : modelType == inputType ? 0 : 1e-5;
                assertThat(output.castTo(DataType.DOUBLE).toDoubleMatrix()[0])
                        .usingTolerance(tolerance).containsExactly(sameType.castTo(DataType.DOUBLE).toDoubleMatrix()[0])
                        .inOrder();
                assertThat(model.predict(x.castTo(inputType)).dataType()).isEqualTo(modelType);
            }
            // A training pass takes the other type too, and backward works on what it kept.
            DataType other = modelType == DataType.FLOAT ? DataType.DOUBLE : DataType.FLOAT;
            INDArray trained = model.forward(x.castTo(other), true);
            model.backward(Nd4j.onesLike(trained).divi(trained.length()));
            assertThat(model.parameters().get(0).grad().dataType()).isEqualTo(modelType);
            assertThat(model.parameters().get(0).grad().sumNumber().doubleValue()).isNotEqualTo(0.0);
        }
    }

    @Test
    void integerInputToAModelOfValuesFailsNamingTheTypeToPass() throws Exception {
        for (DataType modelType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Model model = create(regression, modelType);
            for (DataType integer : new DataType[] {DataType.INT, DataType.LONG, DataType.UBYTE}) {
                INDArray x = Nd4j.ones(integer, 2, 3);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> model.forward(x, false));
                assertThat(e).hasMessageThat().contains("holds " + integer + " values");
                assertThat(e).hasMessageThat().contains("pass a " + modelType + " array [N, 3]");
                assertThat(e).hasMessageThat().contains("castTo(DataType." + modelType + ")");
                assertThrows(IllegalArgumentException.class, () -> model.predict(x));
            }
        }
    }

    @Test
    void emptyBatchFailsNamingItsShapeInForwardPredictAndPredictClasses() throws Exception {
        Model regressionModel = create(regression, DataType.FLOAT);
        Model classifierModel = create(classifier, DataType.FLOAT);
        INDArray noRows = Nd4j.zeros(DataType.FLOAT, 0, 3);
        INDArray noImages = Nd4j.zeros(DataType.FLOAT, 0, 1, 5, 5);
        List<IllegalArgumentException> errors = List.of(
                assertThrows(IllegalArgumentException.class, () -> regressionModel.forward(noRows, false)),
                assertThrows(IllegalArgumentException.class, () -> regressionModel.forward(noRows, true)),
                assertThrows(IllegalArgumentException.class, () -> regressionModel.predict(noRows)),
                assertThrows(IllegalArgumentException.class, () -> classifierModel.predictClasses(noImages)));
        for (IllegalArgumentException e : errors) {
            assertThat(e).hasMessageThat().contains("holds no examples");
        }
        assertThat(errors.get(0)).hasMessageThat().contains("[0, 3]");
        assertThat(errors.get(3)).hasMessageThat().contains("[0, 1, 5, 5]");
    }

    @Test
    void oneExampleWithoutItsBatchAxisSuggestsReshape() throws Exception {
        Model regressionModel = create(regression, DataType.FLOAT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> regressionModel.predict(Nd4j.zeros(DataType.FLOAT, 3)));
        assertThat(e).hasMessageThat().contains("input.reshape(1, 3)");
        Model classifierModel = create(classifier, DataType.FLOAT);
        IllegalArgumentException image = assertThrows(IllegalArgumentException.class,
                () -> classifierModel.forward(Nd4j.zeros(DataType.FLOAT, 1, 5, 5), false));
        assertThat(image).hasMessageThat().contains("input.reshape(1, 1, 5, 5)");
        // A wrong shape that is not one example gets no such hint.
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> regressionModel.predict(Nd4j.zeros(DataType.FLOAT, 2, 4)));
        assertThat(wrong).hasMessageThat().doesNotContain("reshape");
    }
}
