package dev.lamina.runtime.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** Shared checks and libnd4j calls for the square, unpadded, NCHW pooling kernels. */
final class Pooling {
    private Pooling() {}

    static long outSize(long in, int size, int stride) {
        return (in - size) / stride + 1;
    }

    static void check(INDArray x, int size, int stride) {
        Support.checkRank(x, 4, "x");
        if (size < 1 || stride < 1) {
            throw new IllegalArgumentException("size and stride must be at least 1, were " + size + ", " + stride);
        }
        if (x.size(2) < size || x.size(3) < size) {
            throw new IllegalArgumentException("window " + size + " is larger than the input "
                    + x.size(2) + "x" + x.size(3));
        }
    }

    static void checkBackward(INDArray x, INDArray dy, int size, int stride) {
        check(x, size, stride);
        Support.checkShape(dy, "dy", x.size(0), x.size(1), outSize(x.size(2), size, stride),
                outSize(x.size(3), size, stride));
        Support.checkSameType(x, dy, "dy");
    }

    /**
     * libnd4j integer arguments: kH, kW, sH, sW, pH, pW, dH, dW, padding mode (0 = valid, floor),
     * extra (avg: 1 = divide by the full window, irrelevant without padding), layout (0 = NCHW).
     */
    static INDArray forward(String op, INDArray x, int size, int stride) {
        check(x, size, stride);
        INDArray y = Support.newArray(x.dataType(), x.size(0), x.size(1), outSize(x.size(2), size, stride),
                outSize(x.size(3), size, stride));
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x).addOutputs(y)
                .addIntegerArguments(size, size, stride, stride, 0, 0, 1, 1, 0, 1, 0).build());
        return y;
    }

    static INDArray backward(String op, INDArray x, INDArray dy, int size, int stride) {
        checkBackward(x, dy, size, stride);
        INDArray dx = Support.newLike(x);
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x, dy).addOutputs(dx)
                .addIntegerArguments(size, size, stride, stride, 0, 0, 1, 1, 0, 1, 0).build());
        return dx;
    }
}
