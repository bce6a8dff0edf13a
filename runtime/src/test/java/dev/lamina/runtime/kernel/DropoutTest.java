package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

class DropoutTest {
    private static final long[] SHAPE = {64, 8, 10, 10};

    private static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.25, 0.5, 0.8})
    void maskDropsAboutRateAndScalesTheRest(double rate) {
        INDArray mask = Dropout.sampleMask(SHAPE, rate, rng(42), DataType.FLOAT);

        assertThat(mask.shape()).isEqualTo(SHAPE);
        double n = mask.length();
        double dropped = mask.eq(0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        double kept = mask.eq(1.0 / (1.0 - rate)).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        assertThat(dropped + kept).isEqualTo(n);
        // 51,200 draws: the binomial standard deviation of the fraction is below 0.0023
        assertThat(dropped / n).isWithin(0.012).of(rate);
        assertThat(mask.meanNumber().doubleValue()).isWithin(0.05).of(1.0);
    }

    /**
     * The mask is a hash of (index, seed): neighbours, elements a block (4,096) apart, consecutive masks
     * of one generator, and FLOAT against DOUBLE must behave as independent draws.
     */
    @Test
    void drawsBehaveAsIndependent() {
        double rate = 0.3, keep = 1 - rate;
        Random generator = rng(5);
        INDArray first = Dropout.sampleMask(SHAPE, rate, generator, DataType.FLOAT).gt(0).castTo(DataType.DOUBLE);
        INDArray second = Dropout.sampleMask(SHAPE, rate, generator, DataType.FLOAT).gt(0).castTo(DataType.DOUBLE);
        double[] a = first.data().asDouble(), b = second.data().asDouble();
        double neighbours = 0, blockApart = 0, consecutive = 0;
        for (int i = 0; i + 4096 < a.length; i++) {
            neighbours += a[i] * a[i + 1];
            blockApart += a[i] * a[i + 4096];
            consecutive += a[i] * b[i];
        }
        int pairs = a.length - 4096;
        // 47,104 pairs: the standard deviation of each joint fraction is about 0.002
        assertThat(neighbours / pairs).isWithin(0.01).of(keep * keep);
        assertThat(blockApart / pairs).isWithin(0.01).of(keep * keep);
        assertThat(consecutive / pairs).isWithin(0.01).of(keep * keep);
        // The same seed keeps the same elements in either type.
        INDArray f = Dropout.sampleMask(SHAPE, rate, rng(6), DataType.FLOAT).gt(0);
        INDArray d = Dropout.sampleMask(SHAPE, rate, rng(6), DataType.DOUBLE).gt(0);
        assertThat(f.equals(d)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void sameSeedSameMask(DataType type) {
        INDArray a = Dropout.sampleMask(SHAPE, 0.3, rng(7), type);
        INDArray b = Dropout.sampleMask(SHAPE, 0.3, rng(7), type);
        INDArray c = Dropout.sampleMask(SHAPE, 0.3, rng(8), type);

        assertThat(a.dataType()).isEqualTo(type);
        assertThat(a.equals(b)).isTrue();
        assertThat(a.equals(c)).isFalse();
        Random reseeded = rng(99);
        INDArray first = Dropout.sampleMask(SHAPE, 0.3, reseeded, type);
        reseeded.setSeed(99);
        assertThat(Dropout.sampleMask(SHAPE, 0.3, reseeded, type).equals(first)).isTrue();
    }

    @Test
    void rateZeroIsIdentity() {
        INDArray x = randn(1, 4, 5);
        INDArray mask = Dropout.sampleMask(x.shape(), 0.0, rng(1), DataType.DOUBLE);

        assertClose("rate 0 forward", x, Dropout.forward(x, mask), 0);
        assertClose("rate 0 backward", x, Dropout.backward(x, mask), 0);
    }

    @Test
    void forwardAndBackwardApplyTheMask() {
        INDArray x = randn(2, 3, 4, 5);
        INDArray mask = Dropout.sampleMask(x.shape(), 0.5, rng(3), DataType.DOUBLE);
        INDArray r = randn(4, 3, 4, 5);

        assertClose("forward", x.mul(mask), Dropout.forward(x, mask), 0);
        assertGradient("dx", Dropout.backward(r, mask),
                numeric(() -> weightedSum(Dropout.forward(x, mask), r), x));
    }

    @Test
    void rejectsRateOutsideZeroOne() {
        assertThrows(IllegalArgumentException.class, () -> Dropout.sampleMask(SHAPE, 1.0, rng(1), DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> Dropout.sampleMask(SHAPE, -0.1, rng(1), DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> Dropout.sampleMask(SHAPE, Double.NaN, rng(1), DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> Dropout.sampleMask(SHAPE, 0.5, rng(1), DataType.INT32));
    }
}
