package dev.lamina.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Global average pooling over NCHW: x {@code [N, C, H, W]} to y {@code [N, C]},
 * {@code y[n,c] = mean_{i,j} x[n,c,i,j]}; backward spreads {@code dy[n,c] / (H*W)} over every
 * position of the channel (Lin et al. 2014, arXiv 1312.4400). FLOAT or DOUBLE; inputs are not modified.
 */
public final class GlobalAvgPool2d {
    private GlobalAvgPool2d() {}

    /**
     * Forward pass.
     *
     * @param x input {@code [N, C, H, W]}, FLOAT or DOUBLE
     * @return y {@code [N, C]}, the mean of each channel, a new array of x's type
     * @throws IllegalArgumentException if x is not a rank-4 floating-point array
     */
    public static INDArray forward(INDArray x) {
        Support.checkNotNull(x, "x");
        Support.checkRank(x, 4, "x");
        Support.checkFloating(x, "x");
        long n = x.size(0);
        long c = x.size(1);
        // [N, C, H, W] as [N*C, H*W]: one row per channel of one example.
        INDArray rows = Support.denseC(x).reshape('c', n * c, x.size(2) * x.size(3));
        return rows.mean(1).reshape('c', n, c);
    }

    /**
     * Backward pass.
     *
     * @param x  the forward input {@code [N, C, H, W]} (only its shape and type are read)
     * @param dy dL/dy {@code [N, C]}
     * @return dL/dx, x's shape: {@code dy[n,c] / (H*W)} at every position of channel c, a new array
     * @throws IllegalArgumentException if dy is not {@code [N, C]} of x's type
     */
    public static INDArray backward(INDArray x, INDArray dy) {
        Support.checkNotNull(x, "x");
        Support.checkNotNull(dy, "dy");
        Support.checkRank(x, 4, "x");
        if (dy.rank() != 2 || dy.size(0) != x.size(0) || dy.size(1) != x.size(1)) {
            throw new IllegalArgumentException("dy must be [" + x.size(0) + ", " + x.size(1) + "], was "
                    + Arrays.toString(dy.shape()));
        }
        Support.checkSameType(x, dy, "dy");
        long positions = x.size(2) * x.size(3);
        INDArray dx = Support.newLike(x);
        INDArray rows = dx.reshape('c', x.size(0) * x.size(1), positions);
        // One column [N*C, 1] of dy / (H*W), added to every column of the zeroed rows.
        INDArray perChannel = Support.denseC(dy).reshape('c', x.size(0) * x.size(1), 1).div(positions);
        rows.assign(0).addiColumnVector(perChannel);
        return dx;
    }
}
