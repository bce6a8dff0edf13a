package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The addition that ends a residual block: {@code y = shortcut + body}, elementwise, any rank
 * ({@code [N, C, H, W]} or {@code [N, F]}). Its backward is the identity for both inputs: dL/dy
 * flows unchanged into the shortcut and into the body (He et al. 2016, "Deep Residual Learning for
 * Image Recognition", arXiv 1512.03385, eq. 1), so the generated code passes dy on and calls no
 * kernel. FLOAT or DOUBLE; inputs are not modified.
 */
public final class Add {
    private Add() {}

    /**
     * Forward pass.
     *
     * @param shortcut the shortcut's output, any floating-point array
     * @param body     the body's output, the shortcut's shape and type
     * @return {@code shortcut + body}, a new array
     * @throws IllegalArgumentException if the shapes or types differ
     */
    public static INDArray forward(INDArray shortcut, INDArray body) {
        Support.checkNotNull(shortcut, "shortcut");
        Support.checkNotNull(body, "body");
        Support.checkFloating(shortcut, "shortcut");
        Support.checkSameShape(shortcut, "shortcut", body, "body");
        Support.checkSameType(shortcut, body, "body");
        return shortcut.add(body);
    }
}
