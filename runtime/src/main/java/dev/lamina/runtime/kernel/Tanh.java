package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Tanh, elementwise; any shape. */
public final class Tanh {
    private Tanh() {}

    /** Returns a new array y = f(x). */
    public static INDArray forward(INDArray x) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Returns dL/dx given the forward input x, its output y and dL/dy. */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
