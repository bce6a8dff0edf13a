package dev.lamina.runtime.train;

import static com.google.common.truth.Truth.assertThat;

import dev.lamina.runtime.data.Dataset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Evaluator against loss and accuracy computed naively from the model's weights. */
class EvaluatorTest {
    @Test
    void lossAndAccuracyMatchANaiveComputation() {
        int n = 37;
        int d = 4;
        int k = 3;
        Random random = new Random(11);
        float[][] x = new float[n][d];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = random.nextFloat();
            }
            classes[i] = random.nextInt(k);
        }
        Dataset data = Dataset.of(Nd4j.createFromArray(x), classes, k);
        SoftmaxRegression model = new SoftmaxRegression(d, k, DataType.DOUBLE, 5);
        double[][] w = model.weight().toDoubleMatrix();
        double[] b = model.bias().toDoubleVector();

        double lossSum = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            double[] logits = new double[k];
            int best = 0;
            double sumExp = 0;
            for (int c = 0; c < k; c++) {
                logits[c] = b[c];
                for (int j = 0; j < d; j++) {
                    logits[c] += x[i][j] * w[j][c];
                }
                sumExp += Math.exp(logits[c]);
                best = logits[c] > logits[best] ? c : best;
            }
            lossSum -= Math.log(Math.exp(logits[classes[i]]) / sumExp);
            correct += best == classes[i] ? 1 : 0;
        }

        // 37 examples in batches of 10: the last batch holds 7, and the mean must weight it accordingly.
        Evaluation evaluation = Evaluator.evaluate(model, data, 10);

        assertThat(evaluation.count()).isEqualTo(n);
        assertThat(evaluation.loss()).isWithin(1e-6).of(lossSum / n);
        assertThat(evaluation.accuracy()).isEqualTo((double) correct / n);
        assertThat(model.trainingForwardCalls).isEqualTo(0);
        assertThat(model.forwardCalls).isEqualTo(4);
    }
}
