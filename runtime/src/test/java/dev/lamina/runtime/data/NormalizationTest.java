package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Normalisation statistics against naive loops, fitted on one part and applied to another. */
class NormalizationTest {
    @Test
    void perFeatureStatisticsOfTheTrainingPartApplyToOtherData() {
        float[][] train = {{1, 10, 7}, {2, 20, 7}, {6, 60, 7}};
        Normalization normalization = Normalization.fit(Dataset.regression(train, new float[] {0, 0, 0}));

        // Population std (divisor N, as scikit-learn's StandardScaler): feature 0 has mean 3 and
        // variance (4 + 1 + 9) / 3; the constant feature gets std 1.
        assertThat(normalization.mean()).usingTolerance(1e-9).containsExactly(3, 30, 7).inOrder();
        assertThat(normalization.std()).usingTolerance(1e-6)
                .containsExactly(Math.sqrt(14.0 / 3), 10 * Math.sqrt(14.0 / 3), 1).inOrder();
        INDArray validation = Nd4j.createFromArray(new float[][] {{3, 0, 8}});
        INDArray applied = normalization.apply(validation);
        assertThat(applied.getDouble(0, 0)).isWithin(1e-6).of(0.0);
        assertThat(applied.getDouble(0, 1)).isWithin(1e-5).of(-30 / (10 * Math.sqrt(14.0 / 3)));
        assertThat(applied.getDouble(0, 2)).isWithin(1e-6).of(1.0);
        assertThat(validation.getDouble(0, 1)).isEqualTo(0.0); // input untouched
    }

    @Test
    void perChannelStatisticsOfImages() {
        int n = 4;
        int c = 3;
        int h = 2;
        int w = 5;
        Random random = new Random(8);
        INDArray images = Nd4j.create(DataType.DOUBLE, n, c, h, w);
        double[] sum = new double[c];
        double[] sumSquares = new double[c];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double v = ch * 5 + (ch + 1) * random.nextGaussian();
                        images.putScalar(new long[] {i, ch, y, x}, v);
                        sum[ch] += v;
                        sumSquares[ch] += v * v;
                    }
                }
            }
        }
        Dataset data = Dataset.of(images, new int[] {0, 1, 0, 1}, 2);

        Normalization normalization = Normalization.fit(data);
        Dataset normalised = normalization.apply(data);

        int count = n * h * w;
        for (int ch = 0; ch < c; ch++) {
            double mean = sum[ch] / count;
            double std = Math.sqrt(sumSquares[ch] / count - mean * mean);
            assertThat(normalization.mean()[ch]).isWithin(1e-9).of(mean);
            assertThat(normalization.std()[ch]).isWithin(1e-9).of(std);
            assertThat(normalised.features().getDouble(1, ch, 1, 3))
                    .isWithin(1e-9).of((images.getDouble(1, ch, 1, 3) - mean) / std);
        }
        assertThat(normalised.features().dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(normalised.classes()).isEqualTo(data.classes());
        assertThat(normalised.labels()).isEqualTo(data.labels());
    }

    @Test
    void badInputIsRejected() {
        Normalization two = new Normalization(new double[] {0, 0}, new double[] {1, 1});

        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> two.apply(Nd4j.zeros(DataType.FLOAT, 4, 3)));
        IllegalArgumentException ids = assertThrows(IllegalArgumentException.class,
                () -> Normalization.fit(Nd4j.zeros(DataType.INT, 4, 3)));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Normalization.fit(Nd4j.createFromArray(new float[][] {{1, Float.NaN}, {2, 3}})));
        IllegalArgumentException zeroStd = assertThrows(IllegalArgumentException.class,
                () -> new Normalization(new double[] {0}, new double[] {0}));

        assertThat(width).hasMessageThat().contains("fitted to 2");
        assertThat(ids).hasMessageThat().contains("INT");
        assertThat(nan).hasMessageThat().contains("feature or channel 1 holds NaN");
        assertThat(zeroStd).hasMessageThat().contains("std > 0");
    }
}
