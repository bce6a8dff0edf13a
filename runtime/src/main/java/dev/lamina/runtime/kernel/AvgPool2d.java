package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/** AvgPool2d over NCHW, square window, no padding: x {@code [N, C, H, W]}, y {@code [N, C, (H-size)/stride+1, (W-size)/stride+1]}. */
public final class AvgPool2d {
    private AvgPool2d() {}

    public static INDArray forward(INDArray x, int size, int stride) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Returns dL/dx, same shape as x. */
    public static INDArray backward(INDArray x, INDArray y, INDArray dy, int size, int stride) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
