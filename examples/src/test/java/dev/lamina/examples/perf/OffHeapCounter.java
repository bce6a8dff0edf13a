package dev.lamina.examples.perf;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.memory.Deallocatable;
import org.nd4j.linalg.api.memory.deallocation.DeallocatorService;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counts the off-heap memory that ND4J allocates outside any workspace. In ND4J 1.0.0-M2.1 every
 * data buffer registers itself with {@link Nd4j#getDeallocatorService()} when it is made; a buffer
 * that owns fresh memory is neither attached to a workspace nor a view of another buffer, so a
 * service that looks at each registration counts those, and their bytes. Installed once per JVM by
 * reflection on ND4J's private static field {@code Nd4j.deallocatorService}.
 */
final class OffHeapCounter extends DeallocatorService {
    private static OffHeapCounter installed;

    private final AtomicLong buffers = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong largest = new AtomicLong();

    private OffHeapCounter() {}

    /**
     * The counting service, installed into ND4J on the first call.
     *
     * @throws ReflectiveOperationException if this ND4J version has no such field (the test then
     *     fails, rather than counting nothing)
     */
    static synchronized OffHeapCounter install() throws ReflectiveOperationException {
        if (installed == null) {
            Nd4j.getDeallocatorService();  // ND4J makes its own lazily: let it, then replace it
            Field field = Nd4j.class.getDeclaredField("deallocatorService");
            field.setAccessible(true);
            installed = new OffHeapCounter();
            field.set(null, installed);
        }
        return installed;
    }

    @Override
    public void pickObject(Deallocatable deallocatable) {
        if (deallocatable instanceof DataBuffer buffer && !buffer.isAttached()
                && buffer.originalDataBuffer() == null && buffer.underlyingDataBuffer() == null) {
            long size = buffer.length() * buffer.getElementSize();
            buffers.incrementAndGet();
            bytes.addAndGet(size);
            largest.accumulateAndGet(size, Math::max);
        }
        super.pickObject(deallocatable);
    }

    /** What was counted so far. */
    Snapshot snapshot() {
        return new Snapshot(buffers.get(), bytes.get(), largest.getAndSet(0));
    }

    /**
     * Counts since installation.
     *
     * @param buffers fresh off-heap buffers
     * @param bytes   their bytes
     * @param largest bytes of the largest since the previous snapshot
     */
    record Snapshot(long buffers, long bytes, long largest) {
        /** What was allocated between {@code before} and this snapshot (largest: this one's). */
        Snapshot since(Snapshot before) {
            return new Snapshot(buffers - before.buffers, bytes - before.bytes, largest);
        }
    }
}
