package dev.lamina.runtime.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/** Hyperparameter validation and the in-place update primitive shared by the optimizers. */
final class OptimizerSupport {
    private OptimizerSupport() {}

    /** @throws IllegalArgumentException if {@code value} is NaN, infinite or negative */
    static double nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, found " + value);
        }
        return value;
    }

    /** @throws IllegalArgumentException unless {@code 0 <= value < 1} */
    static double inUnitInterval(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), found " + value);
        }
        return value;
    }

    /**
     * {@code y += alpha * x} in place, in one native op without a temporary (large temporaries cost page
     * faults every step). {@code x} and {@code y} have the same shape and data type.
     */
    static void axpy(double alpha, INDArray x, INDArray y) {
        Nd4j.exec(new Axpy(x, y, y, alpha));
    }
}
