package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/** LeakyReLU, elementwise; any shape. */
public final class LeakyReLU {
    private LeakyReLU() {}

    /** Returns a new array y = f(x). */
    public static INDArray forward(INDArray x, double alpha) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Returns dL/dx given the forward input x, its output y and dL/dy. */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, double alpha) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
