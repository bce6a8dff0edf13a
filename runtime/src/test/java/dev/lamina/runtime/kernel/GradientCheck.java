package dev.lamina.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Central finite differences and tolerance checks for the kernel tests (DOUBLE precision).
 *
 * <p>A kernel test picks a fixed random weighting R of the output, so that the scalar loss
 * {@code L = sum(y * R)} has {@code dL/dy = R}; it feeds R to backward and compares each analytic
 * gradient against {@link #numeric}, which perturbs one element at a time by ±{@link #STEP}.
 */
final class GradientCheck {
    /** Perturbation for central differences: truncation ~STEP^2, rounding ~1e-16/STEP. */
    static final double STEP = 1e-6;
    /** Default tolerance on max |analytic - numeric| relative to max(1, max |numeric|). */
    static final double TOLERANCE = 1e-6;

    private GradientCheck() {}

    /** A DOUBLE array of standard normal values from java.util.Random(seed). */
    static INDArray randn(long seed, long... shape) {
        Random random = new Random(seed);
        double[] values = new double[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        return Nd4j.create(values, shape, 'c');
    }

    /** {@code sum(y * weights)}, the scalar loss of a gradient test. */
    static double weightedSum(INDArray y, INDArray weights) {
        assertArrayEquals(weights.shape(), y.shape(), "output shape");
        // In Java: finite differences call this thousands of times, and ND4J ops cost more than the sum.
        double[] a = values(y), b = values(weights);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** a's values in C order as doubles. */
    static double[] values(INDArray a) {
        boolean direct = a.dataType() == DataType.DOUBLE && Support.isDenseC(a) && a.offset() == 0
                && a.data().length() == a.length();
        return (direct ? a : a.castTo(DataType.DOUBLE).dup('c')).data().asDouble();
    }

    /**
     * dL/dparam by central differences. param must be a dense C-order DOUBLE array that the loss
     * reads; it is perturbed in place and restored.
     */
    static INDArray numeric(Supplier<Double> loss, INDArray param) {
        if (param.dataType() != DataType.DOUBLE || !Support.isDenseC(param)) {
            throw new IllegalArgumentException("finite differences need a dense DOUBLE parameter");
        }
        INDArray flat = param.reshape(param.length());
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, param.shape());
        INDArray gradFlat = grad.reshape(grad.length());
        for (long i = 0; i < flat.length(); i++) {
            double original = flat.getDouble(i);
            flat.putScalar(i, original + STEP);
            double plus = loss.get();
            flat.putScalar(i, original - STEP);
            double minus = loss.get();
            flat.putScalar(i, original);
            gradFlat.putScalar(i, (plus - minus) / (2 * STEP));
        }
        return grad;
    }

    /** Fails unless analytic matches numeric within {@link #TOLERANCE}; the message gives maxdiff. */
    static void assertGradient(String name, INDArray analytic, INDArray numeric) {
        assertClose(name + " gradient", numeric, analytic, TOLERANCE);
    }

    /**
     * Fails unless {@code max |actual - expected| <= tolerance * max(1, max |expected|)} and the
     * shapes agree; the message names the quantity, the max difference and where it occurs.
     */
    static void assertClose(String name, INDArray expected, INDArray actual, double tolerance) {
        if (actual == null) {
            fail(name + ": got null");
        }
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            fail(name + ": shape " + Arrays.toString(actual.shape()) + ", expected "
                    + Arrays.toString(expected.shape()));
        }
        double[] e = values(expected);
        double[] a = values(actual);
        double maxDiff = 0;
        double scale = 1;
        int worst = -1;
        for (int i = 0; i < e.length; i++) {
            double diff = Math.abs(a[i] - e[i]);
            if (!(diff <= maxDiff)) {
                maxDiff = diff;
                worst = i;
            }
            scale = Math.max(scale, Math.abs(e[i]));
        }
        if (!(maxDiff <= tolerance * scale)) {
            fail(String.format("%s: maxdiff %.3e > tolerance %.1e * %.3g at flat index %d (actual %.9g, expected %.9g)",
                    name, maxDiff, tolerance, scale, worst, a[worst], e[worst]));
        }
    }

    /** Same values, cast to FLOAT. */
    static INDArray toFloat(INDArray a) {
        return a.castTo(DataType.FLOAT);
    }
}
