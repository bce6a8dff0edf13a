package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InitTest {
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void uniformWithinFanInBound(DataType type) {
        long fanIn = 32 * 3 * 3;
        double bound = 1 / Math.sqrt(fanIn);

        INDArray w = Init.uniformFanIn(new long[] {64, 32, 3, 3}, fanIn, Nd4j.getRandomFactory().getNewRandomInstance(5), type);

        assertThat(w.dataType()).isEqualTo(type);
        assertThat(w.shape()).isEqualTo(new long[] {64, 32, 3, 3});
        assertThat(w.maxNumber().doubleValue()).isAtMost(bound);
        assertThat(w.minNumber().doubleValue()).isAtLeast(-bound);
        // U(-b, b): mean 0, variance b^2/3; 18,432 draws
        assertThat(w.meanNumber().doubleValue()).isWithin(0.02 * bound).of(0.0);
        assertThat(w.varNumber().doubleValue()).isWithin(0.05 * bound * bound / 3).of(bound * bound / 3);
        assertThat(w.maxNumber().doubleValue()).isGreaterThan(0.99 * bound);
    }

    @Test
    void sameSeedSameValues() {
        INDArray a = Init.uniformFanIn(new long[] {10, 20}, 10, Nd4j.getRandomFactory().getNewRandomInstance(3), DataType.FLOAT);
        INDArray b = Init.uniformFanIn(new long[] {10, 20}, 10, Nd4j.getRandomFactory().getNewRandomInstance(3), DataType.FLOAT);

        assertThat(a.equals(b)).isTrue();
    }

    @Test
    void rejectsBadFanIn() {
        assertThrows(IllegalArgumentException.class,
                () -> Init.uniformFanIn(new long[] {2}, 0, Nd4j.getRandom(), DataType.FLOAT));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void normalHasItsStandardDeviation(DataType type) {
        INDArray w = Init.normal(new long[] {100, 200}, 0.02, Nd4j.getRandomFactory().getNewRandomInstance(5), type);

        assertThat(w.dataType()).isEqualTo(type);
        assertThat(w.shape()).isEqualTo(new long[] {100, 200});
        // 20,000 draws: the mean's standard error is 0.02 / sqrt(20000) = 1.4e-4
        assertThat(w.meanNumber().doubleValue()).isWithin(6e-4).of(0.0);
        assertThat(w.stdNumber().doubleValue()).isWithin(0.0006).of(0.02);
        INDArray again = Init.normal(new long[] {100, 200}, 0.02, Nd4j.getRandomFactory().getNewRandomInstance(5), type);
        assertThat(w.equals(again)).isTrue();
    }

    @Test
    void rejectsBadStandardDeviation() {
        assertThrows(IllegalArgumentException.class,
                () -> Init.normal(new long[] {2}, 0, Nd4j.getRandom(), DataType.FLOAT));
        assertThrows(IllegalArgumentException.class,
                () -> Init.normal(new long[] {2}, Double.NaN, Nd4j.getRandom(), DataType.FLOAT));
    }
}
