package dev.lamina.runtime.train;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.dsl.Loss;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Normalization;
import dev.lamina.runtime.optim.Sgd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Regression datasets: a linear model learns a linear function, and no accuracy is reported anywhere. */
class RegressionTest {
    /** {@code y = 2 x0 - 3 x1 + 1} plus a little noise, x uniform in [0, 10). */
    private static Dataset linear(int n, long seed) {
        Random random = new Random(seed);
        float[][] x = new float[n][2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = 10 * random.nextFloat();
            x[i][1] = 10 * random.nextFloat();
            y[i] = (float) (2 * x[i][0] - 3 * x[i][1] + 1 + 0.01 * random.nextGaussian());
        }
        return Dataset.regression(x, y);
    }

    @Test
    void aLinearModelLearnsALinearFunctionFromNormalisedFeatures() {
        Dataset.Split split = linear(400, 1).split(0.25, 7);
        Normalization normalization = Normalization.fit(split.train());
        Dataset train = normalization.apply(split.train());
        Dataset validation = normalization.apply(split.validation());
        SoftmaxRegression model = new SoftmaxRegression(2, 1, DataType.FLOAT, 5, Loss.MSE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Evaluation before = Evaluator.evaluate(model, validation, 64);

        List<EpochMetrics> history = Trainer.builder(model, new Sgd(0.05)).epochs(40).batchSize(16).seed(3)
                .out(new PrintStream(out, true, StandardCharsets.UTF_8)).rewriteProgress(false).build()
                .fit(train, validation);
        Evaluation after = Evaluator.evaluate(model, validation, 64);

        // y spans about [-29, 21]: an untrained model is off by tens, the fitted one by about the noise.
        assertThat(before.meanSquaredError()).isGreaterThan(50.0);
        assertThat(after.meanSquaredError()).isLessThan(0.01);
        assertThat(after.meanAbsoluteError()).isLessThan(0.1);
        assertThat(after.loss()).isWithin(1e-6).of(after.meanSquaredError());
        assertThat(after.isRegression()).isTrue();
        assertThat(after.accuracy()).isNaN();
        assertThat(after.count()).isEqualTo(100);
        // On standardised inputs the weights are the coefficients times each feature's std.
        double[] std = normalization.std();
        assertThat(model.weight().getDouble(0, 0)).isWithin(0.02).of(2 * std[0]);
        assertThat(model.weight().getDouble(1, 0)).isWithin(0.02).of(-3 * std[1]);
        EpochMetrics last = history.get(history.size() - 1);
        assertThat(last.testLoss()).isWithin(1e-6).of(after.loss());
        assertThat(last.testAccuracy()).isNaN();
        assertThat(last.trainAccuracy()).isNaN();
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("epoch 40/40  train loss ");
        assertThat(report).doesNotContain("accuracy");
        assertThat(after.toString()).contains("MSE");
        assertThat(after.toString()).doesNotContain("accuracy");
    }

    @Test
    void meanSquaredAndAbsoluteErrorsMatchANaiveComputation() {
        int n = 23;
        Random random = new Random(4);
        float[][] x = new float[n][3];
        float[][] y = new float[n][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = (float) random.nextGaussian();
            }
            y[i][0] = (float) random.nextGaussian();
            y[i][1] = (float) random.nextGaussian();
        }
        SoftmaxRegression model = new SoftmaxRegression(3, 2, DataType.DOUBLE, 9, Loss.MSE);
        double[][] w = model.weight().toDoubleMatrix();
        double[] b = model.bias().toDoubleVector();
        double squared = 0;
        double absolute = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                double out = b[k];
                for (int j = 0; j < 3; j++) {
                    out += x[i][j] * w[j][k];
                }
                squared += (out - y[i][k]) * (out - y[i][k]);
                absolute += Math.abs(out - y[i][k]);
            }
        }

        // Batches of 5: the last holds 3 examples, and the means must weight it accordingly.
        Evaluation evaluation = Evaluator.evaluate(model, Dataset.regression(x, y), 5);

        assertThat(evaluation.meanSquaredError()).isWithin(1e-5).of(squared / (2 * n));
        assertThat(evaluation.meanAbsoluteError()).isWithin(1e-5).of(absolute / (2 * n));
        assertThat(evaluation.loss()).isWithin(1e-5).of(squared / (2 * n));
        assertThat(evaluation.accuracy()).isNaN();
    }

    @Test
    void classificationEvaluationHasNoRegressionErrors() {
        Dataset data = Dataset.of(new float[][] {{1, 0}, {0, 1}, {1, 1}}, new int[] {0, 1, 1}, 2);
        Evaluation evaluation = Evaluator.evaluate(new SoftmaxRegression(2, 2, DataType.FLOAT, 1), data, 2);

        assertThat(evaluation.isRegression()).isFalse();
        assertThat(evaluation.meanSquaredError()).isNaN();
        assertThat(evaluation.meanAbsoluteError()).isNaN();
        assertThat(evaluation.toString()).contains("accuracy");
    }

    @Test
    void regressionTargetsNeedAnMseModelOfTheirWidth() {
        Dataset data = Dataset.regression(Nd4j.rand(DataType.FLOAT, 4, 2), Nd4j.rand(DataType.FLOAT, 4, 1));

        IllegalArgumentException wrongLoss = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.evaluate(new SoftmaxRegression(2, 1, DataType.FLOAT, 1), data, 2));
        IllegalArgumentException wrongWidth = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.evaluate(new SoftmaxRegression(2, 3, DataType.FLOAT, 1, Loss.MSE), data, 2));

        assertThat(wrongLoss).hasMessageThat().contains("loss = Loss.MSE");
        assertThat(wrongLoss).hasMessageThat().contains("SOFTMAX_CROSS_ENTROPY");
        assertThat(wrongWidth).hasMessageThat().contains("1 target values per example but the model outputs [3]");
    }
}
