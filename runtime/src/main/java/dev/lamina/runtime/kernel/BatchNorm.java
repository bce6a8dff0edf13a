package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalisation over axis 1 of {@code [N, C]} or {@code [N, C, H, W]} (Ioffe and Szegedy
 * 2015), PyTorch conventions: biased batch variance to normalise, unbiased in the running variance,
 * {@code running = (1 - momentum) running + momentum batch}. gamma, beta, runningMean, runningVar: {@code [C]}.
 */
public final class BatchNorm {
    private BatchNorm() {}

    /** What the training-mode forward pass keeps for backward. */
    public static final class Cache {
        /** Normalised input, same shape as x. */
        public INDArray xHat;
        /** {@code 1 / sqrt(var + eps)} per channel, {@code [C]}. */
        public INDArray invStd;
    }

    /** Training forward: normalises with batch statistics, updates running statistics in place, fills cache. */
    public static INDArray forwardTrain(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double momentum, double eps, Cache cache) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Inference forward with the running statistics. */
    public static INDArray forwardInference(INDArray x, INDArray gamma, INDArray beta, INDArray runningMean,
            INDArray runningVar, double eps) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Accumulates dGamma and dBeta; returns dL/dx. */
    public static INDArray backward(INDArray dy, INDArray gamma, Cache cache, INDArray dGamma, INDArray dBeta) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
