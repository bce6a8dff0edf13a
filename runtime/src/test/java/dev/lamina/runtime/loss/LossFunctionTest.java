package dev.lamina.runtime.loss;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.dsl.Loss;
import java.util.Random;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each loss against a naive scalar reference (values and analytic gradients), its gradient against
 * central finite differences in double precision, and its behaviour on huge logits.
 */
class LossFunctionTest {
    private static final int N = 4;
    private static final int K = 5;

    @Test
    void ofMapsEveryDeclaredLoss() {
        assertThat(LossFunction.of(Loss.SOFTMAX_CROSS_ENTROPY)).isInstanceOf(SoftmaxCrossEntropy.class);
        assertThat(LossFunction.of(Loss.SIGMOID_BINARY_CROSS_ENTROPY)).isInstanceOf(SigmoidBinaryCrossEntropy.class);
        assertThat(LossFunction.of(Loss.MSE)).isInstanceOf(MeanSquaredError.class);
    }

    // ---- naive references, in double, one element at a time -------------------------------------------

    private static double[] softmaxRow(double[][] x, int n) {
        double[] p = new double[x[n].length];
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(x[n][k]);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    private static double naiveSoftmaxCrossEntropy(double[][] x, double[][] t) {
        double total = 0;
        for (int n = 0; n < x.length; n++) {
            double[] p = softmaxRow(x, n);
            for (int k = 0; k < p.length; k++) {
                total -= t[n][k] * Math.log(p[k]);
            }
        }
        return total / x.length;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double naiveBinaryCrossEntropy(double[][] x, double[][] t) {
        double total = 0;
        for (int n = 0; n < x.length; n++) {
            for (int k = 0; k < x[n].length; k++) {
                double s = sigmoid(x[n][k]);
                total -= t[n][k] * Math.log(s) + (1 - t[n][k]) * Math.log(1 - s);
            }
        }
        return total / (x.length * x[0].length);
    }

    private static double naiveMse(double[][] x, double[][] t) {
        double total = 0;
        for (int n = 0; n < x.length; n++) {
            for (int k = 0; k < x[n].length; k++) {
                total += (x[n][k] - t[n][k]) * (x[n][k] - t[n][k]);
            }
        }
        return total / (x.length * x[0].length);
    }

    private static double[][] randomMatrix(Random random, double scale) {
        double[][] m = new double[N][K];
        for (double[] row : m) {
            for (int k = 0; k < K; k++) {
                row[k] = scale * (2 * random.nextDouble() - 1);
            }
        }
        return m;
    }

    private static double[][] oneHot(Random random) {
        double[][] t = new double[N][K];
        for (double[] row : t) {
            row[random.nextInt(K)] = 1;
        }
        return t;
    }

    private static double[][] probabilities(Random random) {
        double[][] t = new double[N][K];
        for (double[] row : t) {
            for (int k = 0; k < K; k++) {
                row[k] = random.nextDouble();
            }
        }
        return t;
    }

    private static INDArray array(double[][] values, DataType type) {
        return Nd4j.createFromArray(values).castTo(type);
    }

    private static double tolerance(DataType type) {
        return type == DataType.DOUBLE ? 1e-12 : 1e-5;
    }

    // ---- values ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void softmaxCrossEntropyMatchesNaiveReference(DataType type) {
        Random random = new Random(1);
        double[][] x = randomMatrix(random, 3);
        double[][] t = oneHot(random);
        LossFunction loss = new SoftmaxCrossEntropy();

        double expected = naiveSoftmaxCrossEntropy(x, t);
        assertThat(loss.loss(array(x, type), array(t, type))).isWithin(tolerance(type) * 10).of(expected);

        INDArray gradient = loss.gradient(array(x, type), array(t, type));
        assertThat(gradient.dataType()).isEqualTo(type);
        INDArray activated = loss.activate(array(x, type));
        for (int n = 0; n < N; n++) {
            double[] p = softmaxRow(x, n);
            for (int k = 0; k < K; k++) {
                assertWithMessage("dL/dx[%s,%s]", n, k).that(gradient.getDouble(n, k))
                        .isWithin(tolerance(type)).of((p[k] - t[n][k]) / N);
                assertWithMessage("softmax[%s,%s]", n, k).that(activated.getDouble(n, k))
                        .isWithin(tolerance(type)).of(p[k]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void sigmoidBinaryCrossEntropyMatchesNaiveReference(DataType type) {
        Random random = new Random(2);
        double[][] x = randomMatrix(random, 4);
        double[][] t = probabilities(random);
        LossFunction loss = new SigmoidBinaryCrossEntropy();

        assertThat(loss.loss(array(x, type), array(t, type))).isWithin(tolerance(type) * 10)
                .of(naiveBinaryCrossEntropy(x, t));
        INDArray gradient = loss.gradient(array(x, type), array(t, type));
        INDArray activated = loss.activate(array(x, type));
        for (int n = 0; n < N; n++) {
            for (int k = 0; k < K; k++) {
                assertThat(gradient.getDouble(n, k)).isWithin(tolerance(type))
                        .of((sigmoid(x[n][k]) - t[n][k]) / (N * K));
                assertThat(activated.getDouble(n, k)).isWithin(tolerance(type)).of(sigmoid(x[n][k]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void meanSquaredErrorMatchesNaiveReference(DataType type) {
        Random random = new Random(3);
        double[][] x = randomMatrix(random, 2);
        double[][] t = randomMatrix(random, 2);
        LossFunction loss = new MeanSquaredError();

        assertThat(loss.loss(array(x, type), array(t, type))).isWithin(tolerance(type) * 10).of(naiveMse(x, t));
        INDArray gradient = loss.gradient(array(x, type), array(t, type));
        for (int n = 0; n < N; n++) {
            for (int k = 0; k < K; k++) {
                assertThat(gradient.getDouble(n, k)).isWithin(tolerance(type))
                        .of(2 * (x[n][k] - t[n][k]) / (N * K));
            }
        }
        INDArray output = array(x, type);
        assertThat(loss.activate(output)).isSameInstanceAs(output);
    }

    // ---- gradients against finite differences -----------------------------------------------------------

    @Test
    void softmaxCrossEntropyGradientMatchesFiniteDifferences() {
        Random random = new Random(4);
        checkGradient(new SoftmaxCrossEntropy(), randomMatrix(random, 3), oneHot(random));
    }

    @Test
    void softmaxCrossEntropyGradientMatchesFiniteDifferencesForSoftTargets() {
        Random random = new Random(5);
        checkGradient(new SoftmaxCrossEntropy(), randomMatrix(random, 3), probabilities(random));
    }

    @Test
    void sigmoidBinaryCrossEntropyGradientMatchesFiniteDifferences() {
        Random random = new Random(6);
        checkGradient(new SigmoidBinaryCrossEntropy(), randomMatrix(random, 5), probabilities(random));
    }

    @Test
    void meanSquaredErrorGradientMatchesFiniteDifferences() {
        Random random = new Random(7);
        checkGradient(new MeanSquaredError(), randomMatrix(random, 2), randomMatrix(random, 2));
    }

    /** Central differences {@code (L(x + h e) - L(x - h e)) / 2h} per element, in double. */
    private static void checkGradient(LossFunction loss, double[][] x, double[][] t) {
        INDArray target = array(t, DataType.DOUBLE);
        INDArray analytic = loss.gradient(array(x, DataType.DOUBLE), target);
        ToDoubleBiFunction<Integer, Double> shifted = (index, h) -> {
            INDArray moved = array(x, DataType.DOUBLE);
            int n = index / K;
            int k = index % K;
            moved.putScalar(n, k, x[n][k] + h);
            return loss.loss(moved, target);
        };
        double h = 1e-5;
        double maxDiff = 0;
        for (int i = 0; i < N * K; i++) {
            double numeric = (shifted.applyAsDouble(i, h) - shifted.applyAsDouble(i, -h)) / (2 * h);
            maxDiff = Math.max(maxDiff, Math.abs(numeric - analytic.getDouble(i / K, i % K)));
        }
        assertWithMessage("%s: maxdiff between analytic and numeric gradient", loss.getClass().getSimpleName())
                .that(maxDiff).isLessThan(1e-8);
    }

    // ---- stability ------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void softmaxCrossEntropyIsStableForHugeLogits(DataType type) {
        double[][] x = {{1e4, -1e4, 0}, {-3e4, 2e4, 5}, {800, 800, -800}};
        double[][] t = {{0, 1, 0}, {0, 1, 0}, {1, 0, 0}};
        LossFunction loss = new SoftmaxCrossEntropy();

        // Per row: -log p_target = logsumexp(x) - x_target, where logsumexp(x) = max(x) + log sum exp(x - max):
        // row 0: 1e4 - (-1e4); row 1: 2e4 - 2e4 + log(1 + exp(-3e4 - 2e4) + exp(5 - 2e4)) = 0; row 2: log 2.
        double expected = (2e4 + 0 + Math.log(2)) / 3;
        double value = loss.loss(array(x, type), array(t, type));
        assertThat(value).isWithin(expected * 1e-6).of(expected);

        INDArray gradient = loss.gradient(array(x, type), array(t, type));
        INDArray probabilities = loss.activate(array(x, type));
        assertAllFinite(gradient);
        assertAllFinite(probabilities);
        assertThat(gradient.getDouble(0, 0)).isWithin(1e-6).of(1.0 / 3);
        assertThat(gradient.getDouble(0, 1)).isWithin(1e-6).of(-1.0 / 3);
        assertThat(gradient.getDouble(2, 0)).isWithin(1e-6).of((0.5 - 1) / 3);
        assertThat(probabilities.sum(1).getDouble(1)).isWithin(1e-6).of(1.0);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void sigmoidBinaryCrossEntropyIsStableForHugeLogits(DataType type) {
        double[][] x = {{1e4, -1e4, 1e4, -1e4}};
        double[][] t = {{0, 1, 1, 0}};
        LossFunction loss = new SigmoidBinaryCrossEntropy();

        // max(x, 0) - x t + log(1 + exp(-|x|)) with exp(-1e4) = 0: 1e4, 1e4, 0, 0.
        double expected = 0;
        for (int k = 0; k < 4; k++) {
            expected += Math.max(x[0][k], 0) - x[0][k] * t[0][k];
        }
        expected /= 4;
        assertThat(loss.loss(array(x, type), array(t, type))).isWithin(1e-6 * expected).of(expected);
        INDArray gradient = loss.gradient(array(x, type), array(t, type));
        assertAllFinite(gradient);
        assertThat(gradient.getDouble(0, 0)).isWithin(1e-7).of(0.25);
        assertThat(gradient.getDouble(0, 2)).isWithin(1e-7).of(0.0);
        assertAllFinite(loss.activate(array(x, type)));
    }

    private static void assertAllFinite(INDArray array) {
        double[] values = array.castTo(DataType.DOUBLE).data().asDouble();
        for (int i = 0; i < values.length; i++) {
            assertWithMessage("element %s of %s", i, array).that(Double.isFinite(values[i])).isTrue();
        }
    }

    // ---- arguments --------------------------------------------------------------------------------------

    @Test
    void targetOfAnotherDataTypeIsCast() {
        Random random = new Random(8);
        double[][] x = randomMatrix(random, 3);
        double[][] t = oneHot(random);
        LossFunction loss = new SoftmaxCrossEntropy();
        double value = loss.loss(array(x, DataType.DOUBLE), array(t, DataType.FLOAT));
        assertThat(value).isWithin(1e-12).of(naiveSoftmaxCrossEntropy(x, t));
        assertThat(loss.gradient(array(x, DataType.DOUBLE), array(t, DataType.FLOAT)).dataType())
                .isEqualTo(DataType.DOUBLE);
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        for (Loss declared : Loss.values()) {
            LossFunction loss = LossFunction.of(declared);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loss.loss(Nd4j.zeros(2, 3), Nd4j.zeros(2, 4)));
            assertThat(e).hasMessageThat().contains("[2, 3]");
            assertThat(e).hasMessageThat().contains("[2, 4]");
        }
    }

    @Test
    void softmaxCrossEntropyRejectsLogitsOfRankFour() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxCrossEntropy().loss(Nd4j.zeros(2, 3, 4, 5), Nd4j.zeros(2, 3, 4, 5)));
        assertThat(e).hasMessageThat().contains("[2, 3, 4, 5]");
    }

    // ---- sequences: logits [N, T, K] with class ids [N, T] ------------------------------------------------

    private static final int T = 3;

    /** Logits [N, T, K] in double, from {@code random}. */
    private static double[][][] randomLogits(Random random) {
        double[][][] x = new double[N][T][K];
        for (double[][] example : x) {
            for (double[] position : example) {
                for (int k = 0; k < K; k++) {
                    position[k] = 3 * random.nextGaussian();
                }
            }
        }
        return x;
    }

    private static int[][] randomIds(Random random) {
        int[][] ids = new int[N][T];
        for (int[] row : ids) {
            for (int t = 0; t < T; t++) {
                row[t] = random.nextInt(K);
            }
        }
        return ids;
    }

    /** {@code (1/(N T)) sum_{n,t} -log softmax(x[n,t])[y[n,t]]}, directly from the definition. */
    private static double naiveSequenceCrossEntropy(double[][][] x, int[][] ids) {
        double total = 0;
        for (int n = 0; n < N; n++) {
            for (int t = 0; t < T; t++) {
                double sum = 0;
                for (int k = 0; k < K; k++) {
                    sum += Math.exp(x[n][t][k]);
                }
                total += -Math.log(Math.exp(x[n][t][ids[n][t]]) / sum);
            }
        }
        return total / (N * T);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void sequenceCrossEntropyWithClassIdsMatchesTheDefinitionAndTheFlattenedBatch(DataType type) {
        Random random = new Random(11);
        double[][][] x = randomLogits(random);
        int[][] ids = randomIds(random);
        LossFunction loss = new SoftmaxCrossEntropy();
        INDArray logits = Nd4j.createFromArray(x).castTo(type);
        INDArray intIds = Nd4j.createFromArray(ids);
        double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;

        assertThat(loss.loss(logits, intIds)).isWithin(tolerance).of(naiveSequenceCrossEntropy(x, ids));
        assertThat(loss.loss(logits, intIds.castTo(DataType.INT64))).isEqualTo(loss.loss(logits, intIds));
        // The same as rank 2 on [N * T, K] with one-hot rows, and as rank 3 with one-hot targets.
        INDArray flatOneHot = Nd4j.zeros(type, N * T, K);
        for (int i = 0; i < N * T; i++) {
            flatOneHot.putScalar(i, ids[i / T][i % T], 1);
        }
        INDArray flatLogits = logits.reshape('c', N * T, K);
        assertThat(loss.loss(logits, intIds)).isWithin(tolerance).of(loss.loss(flatLogits, flatOneHot));
        assertThat(loss.loss(logits, flatOneHot.reshape('c', N, T, K))).isWithin(tolerance)
                .of(loss.loss(logits, intIds));
        INDArray gradient = loss.gradient(logits, intIds);
        assertThat(gradient.shape()).isEqualTo(new long[] {N, T, K});
        assertThat(gradient.dataType()).isEqualTo(type);
        assertThat(gradient.reshape('c', N * T, K)).isEqualTo(loss.gradient(flatLogits, flatOneHot));
        INDArray probabilities = loss.activate(logits);
        assertThat(probabilities.shape()).isEqualTo(new long[] {N, T, K});
        assertThat(probabilities.sum(2).sub(1).amaxNumber().doubleValue()).isLessThan(1e-6);
    }

    @Test
    void sequenceCrossEntropyGradientMatchesFiniteDifferences() {
        Random random = new Random(12);
        double[][][] x = randomLogits(random);
        INDArray ids = Nd4j.createFromArray(randomIds(random));
        LossFunction loss = new SoftmaxCrossEntropy();
        INDArray analytic = loss.gradient(Nd4j.createFromArray(x), ids);
        double h = 1e-5;
        double maxDiff = 0;
        for (int n = 0; n < N; n++) {
            for (int t = 0; t < T; t++) {
                for (int k = 0; k < K; k++) {
                    INDArray plus = Nd4j.createFromArray(x);
                    plus.putScalar(new long[] {n, t, k}, x[n][t][k] + h);
                    INDArray minus = Nd4j.createFromArray(x);
                    minus.putScalar(new long[] {n, t, k}, x[n][t][k] - h);
                    double numeric = (loss.loss(plus, ids) - loss.loss(minus, ids)) / (2 * h);
                    maxDiff = Math.max(maxDiff, Math.abs(numeric - analytic.getDouble(n, t, k)));
                }
            }
        }
        assertWithMessage("maxdiff between analytic and numeric gradient").that(maxDiff).isLessThan(1e-8);
        assertThat(analytic.sumNumber().doubleValue()).isWithin(1e-12).of(0.0);
    }

    @Test
    void sequenceClassIdsOutOfRangeOrOfAnotherShapeAreNamed() {
        LossFunction loss = new SoftmaxCrossEntropy();
        INDArray logits = Nd4j.zeros(DataType.FLOAT, 2, 3, 4);
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> loss.loss(logits, Nd4j.createFromArray(new int[][] {{0, 1, 2}, {3, 4, 0}})));
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> loss.gradient(logits, Nd4j.createFromArray(new float[][] {{0, 1, 2}, {3, 0.5f, 0}})));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> loss.loss(logits, Nd4j.zeros(DataType.INT32, 2, 4)));

        assertThat(range).hasMessageThat().contains("class id of example 1 at position 1 must be a whole number in"
                + " [0, 4), found 4.0");
        assertThat(fraction).hasMessageThat().contains("found 0.5");
        assertThat(shape).hasMessageThat().contains("logits [2, 3, 4] need class ids [2, 3] or one-hot targets of"
                + " the same shape, found target shape [2, 4]");
    }
}
