package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Fully connected layer: x {@code [N, I]}, w {@code [I, O]}, b {@code [O]} or null, y {@code [N, O]}. */
public final class Dense {
    private Dense() {}

    /** {@code y = x w + b}. */
    public static INDArray forward(INDArray x, INDArray w, INDArray b) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Accumulates {@code dw += x^T dy} and {@code db += sum_n dy} (if db is not null).
     *
     * @return {@code dx = dy w^T} {@code [N, I]}, or null when {@code needInputGrad} is false
     */
    public static INDArray backward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db,
            boolean needInputGrad) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
