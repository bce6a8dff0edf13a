package dev.lamina.runtime.kernel;

import java.util.EnumMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-thread scratch buffers for temporaries that live only during one kernel call (im2col
 * matrices, layout copies). Each slot keeps one detached buffer per data type and grows it to the
 * largest size asked for, so repeated calls at the same shapes allocate nothing; freshly mapped
 * memory costs a page fault per 4 KiB, which at these sizes can exceed the arithmetic.
 *
 * <p>A view handed out for a slot is valid until the next request for the same slot on the same
 * thread; kernels use distinct slots for temporaries that are alive at the same time and never
 * return a scratch view.
 */
final class Scratch {
    enum Slot {
        /** Conv2d im2col matrix {@code [C*K*K, N*OH*OW]}. */
        COL,
        /** Conv2d output or output gradient in channel-major layout {@code [F, N*OH*OW]}. */
        CHANNEL_MAJOR,
        /** Conv2d input-gradient im2col matrix {@code [C*K*K, N*OH*OW]}. */
        DCOL,
        /** Conv2d filters with the bias column, or their gradient, {@code [F, C*K*K + 1]}. */
        FILTERS,
        /** MultiHeadAttention head outputs O, or their gradient dO, {@code [N*H, T, d]}. */
        HEAD_OUTPUTS,
        /** MultiHeadAttention dL/dA, overwritten by dL/dS, {@code [N*H, T, T]}. */
        HEAD_SCORES,
        /** MultiHeadAttention dL/dQ per head, {@code [N*H, T, d]}. */
        HEAD_DQ,
        /** MultiHeadAttention dL/dK per head, {@code [N*H, T, d]}. */
        HEAD_DK,
        /** MultiHeadAttention dL/dV per head, {@code [N*H, T, d]}. */
        HEAD_DV,
        /** MultiHeadAttention dL/dQ with the heads merged, {@code [N*T, D]}. */
        MERGED_DQ,
        /** MultiHeadAttention dL/dK with the heads merged, {@code [N*T, D]}. */
        MERGED_DK,
        /** MultiHeadAttention dL/dV with the heads merged, {@code [N*T, D]}. */
        MERGED_DV
    }

    private static final ThreadLocal<Map<Slot, INDArray[]>> BUFFERS =
            ThreadLocal.withInitial(() -> new EnumMap<>(Slot.class));

    private Scratch() {}

    /** A dense C-order view of the given shape on the slot's buffer; its contents are undefined. */
    static INDArray get(Slot slot, DataType type, long... shape) {
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        INDArray[] byType = BUFFERS.get().computeIfAbsent(slot, s -> new INDArray[2]);
        int index = type == DataType.DOUBLE ? 1 : 0;
        INDArray buffer = byType[index];
        if (buffer == null || buffer.length() < length) {
            // Detached: a buffer kept across calls must not live in the caller's workspace.
            buffer = Nd4j.createUninitializedDetached(type, 'c', Math.max(length, 1));
            byType[index] = buffer;
        }
        return Nd4j.create(buffer.data(), shape, Nd4j.getStrides(shape, 'c'), 0L, 'c');
    }
}
