package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-D convolution (cross-correlation) over NCHW tensors, by im2col and one gemm.
 *
 * <p>Shapes: x {@code [N, C, H, W]}, w {@code [F, C, K, K]}, b {@code [F]} or null,
 * y {@code [N, F, OH, OW]}. Padding is zero padding of {@code padTop} rows above and
 * {@code padLeft} columns to the left; the caller gives OH and OW, which fix the bottom/right padding.
 */
public final class Conv2d {
    private Conv2d() {}

    /** Forward pass: {@code y[n,f,i,j] = b[f] + sum_{c,u,v} w[f,c,u,v] * xpad[n,c,i*s+u,j*s+v]}. */
    public static INDArray forward(INDArray x, INDArray w, INDArray b, int stride, int padTop, int padLeft,
            int outH, int outW) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Backward pass. Accumulates {@code dw += dL/dw} and, if {@code db} is not null, {@code db += dL/db}.
     *
     * @return dL/dx {@code [N, C, H, W]}, or null when {@code needInputGrad} is false
     */
    public static INDArray backward(INDArray x, INDArray w, INDArray dy, INDArray dw, INDArray db, int stride,
            int padTop, int padLeft, boolean needInputGrad) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
