package dev.lamina.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks, allocation and layout helpers shared by the kernels.
 *
 * <p>Every kernel allocates its results with {@link #newArray}, which goes through
 * {@link Nd4j#createUninitialized}: inside an active ND4J workspace the result comes from the
 * workspace, so a training step that runs in a reused workspace touches no fresh pages.
 */
final class Support {
    private Support() {}

    static void checkNotNull(Object value, String name) {
        if (value == null) {
            throw new NullPointerException(name);
        }
    }

    /** Throws unless {@code a} holds FLOAT or DOUBLE values. */
    static void checkFloating(INDArray a, String name) {
        checkNotNull(a, name);
        DataType t = a.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException(name + " must be FLOAT or DOUBLE, was " + t);
        }
    }

    static void checkFloating(DataType t) {
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException("data type must be FLOAT or DOUBLE, was " + t);
        }
    }

    static void checkRank(INDArray a, int rank, String name) {
        checkFloating(a, name);
        if (a.rank() != rank) {
            throw new IllegalArgumentException(
                    name + " must have rank " + rank + ", was " + Arrays.toString(a.shape()));
        }
    }

    /** Throws unless {@code a} (if not null) has the data type of {@code ref}. */
    static void checkSameType(INDArray ref, INDArray a, String name) {
        if (a != null && a.dataType() != ref.dataType()) {
            throw new IllegalArgumentException(
                    name + " must be " + ref.dataType() + " like the input, was " + a.dataType());
        }
    }

    static void checkShape(INDArray a, String name, long... shape) {
        checkNotNull(a, name);
        if (!Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException(name + " must have shape " + Arrays.toString(shape)
                    + ", was " + Arrays.toString(a.shape()));
        }
    }

    static void checkSameShape(INDArray ref, String refName, INDArray a, String name) {
        checkNotNull(a, name);
        if (!Arrays.equals(a.shape(), ref.shape())) {
            throw new IllegalArgumentException(name + " must have the shape of " + refName + " "
                    + Arrays.toString(ref.shape()) + ", was " + Arrays.toString(a.shape()));
        }
        checkSameType(ref, a, name);
    }

    /** An uninitialised C-order array, taken from the current workspace if one is open. */
    static INDArray newArray(DataType type, long... shape) {
        return Nd4j.createUninitialized(type, shape, 'c');
    }

    /** An uninitialised C-order array of x's type and shape. */
    static INDArray newLike(INDArray x) {
        return newArray(x.dataType(), x.shape());
    }

    /**
     * True if a's elements lie in C order with the default strides from {@code a.offset()} on,
     * so that element i sits at {@code a.offset() + i} of {@code a.data()}.
     */
    static boolean isDenseC(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** a itself when it is dense C order, otherwise a dense C-order copy. */
    static INDArray denseC(INDArray a) {
        return isDenseC(a) ? a : a.dup('c');
    }

    /** {@code z = x op v}, with v {@code [x.size(axis)]} broadcast along axis. z may be x. */
    static void broadcastMul(INDArray x, INDArray v, INDArray z, int axis) {
        Nd4j.getExecutioner().exec(new BroadcastMulOp(x, v, z, axis));
    }

    static void broadcastAdd(INDArray x, INDArray v, INDArray z, int axis) {
        Nd4j.getExecutioner().exec(new BroadcastAddOp(x, v, z, axis));
    }

    static void broadcastSub(INDArray x, INDArray v, INDArray z, int axis) {
        Nd4j.getExecutioner().exec(new BroadcastSubOp(x, v, z, axis));
    }
}
