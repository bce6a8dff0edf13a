package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code [N, C, H, W]} to {@code [N, C*H*W]} in C order, and back. Any rank of at least 2 works the
 * same way ({@code [N, ...]} to {@code [N, prod(...)]}).
 *
 * <p>When the input is dense C order the result is a reshaped view that shares its buffer (no
 * copy); otherwise a C-order copy. Kernels never write into their inputs, so sharing is safe
 * between kernels; a caller that writes into the result in place writes into x.
 */
public final class Flatten {
    private Flatten() {}

    /**
     * Forward pass.
     *
     * @param x {@code [N, C, H, W]}, or any {@code [N, ...]} of rank at least 2
     * @return x as {@code [N, C*H*W]}: a view of x when x is dense C order, else a copy
     * @throws IllegalArgumentException if x has rank below 2
     */
    public static INDArray forward(INDArray x) {
        Support.checkNotNull(x, "x");
        if (x.rank() < 2) {
            throw new IllegalArgumentException("x must have rank >= 2, was " + java.util.Arrays.toString(x.shape()));
        }
        return Support.denseC(x).reshape('c', x.size(0), x.length() / x.size(0));
    }

    /**
     * Backward pass: reshapes dy back to x's shape.
     *
     * @param x  the forward input {@code [N, C, H, W]} (only its shape is read)
     * @param dy dL/dy {@code [N, C*H*W]}
     * @return dL/dx of x's shape: a view of dy when dy is dense C order, else a copy
     * @throws IllegalArgumentException if dy is not {@code [N, C*H*W]}
     */
    public static INDArray backward(INDArray x, INDArray dy) {
        Support.checkNotNull(x, "x");
        Support.checkNotNull(dy, "dy");
        if (dy.length() != x.length() || dy.rank() != 2 || dy.size(0) != x.size(0)) {
            throw new IllegalArgumentException("dy must be [" + x.size(0) + ", " + x.length() / Math.max(1, x.size(0))
                    + "], was " + java.util.Arrays.toString(dy.shape()));
        }
        return Support.denseC(dy).reshape('c', x.shape());
    }
}
