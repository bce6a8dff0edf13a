package dev.lamina.examples.perf;

import static com.google.common.truth.Truth.assertWithMessage;

import com.sun.management.ThreadMXBean;
import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.examples.perf.OffHeapCounter.Snapshot;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.train.TrainingStep;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The seed network's steady-state training step ({@link TrainingStep}: forward, loss, backward in
 * a reused workspace, then Adam) allocates no tensor memory: after at least {@value #WARM_UP} warm-up
 * steps and until the JIT has settled ({@link JitWarmUp}), each of {@value #STEPS} steps is counted,
 * off-heap (ND4J buffers outside the workspace, by {@link OffHeapCounter}) and on the heap (this
 * thread's allocated bytes).
 *
 * <p>What ND4J 1.0.0-M2.1 still allocates per step is bookkeeping, not tensors: a shape
 * descriptor (4 to 12 longs) for every array it creates, even in a workspace, and a one-element
 * buffer for every scalar argument; and on the heap its Java op objects. Neither depends on the
 * batch size, which is what the test holds them to: at most {@value #METADATA_BYTES} bytes
 * per buffer, about as many at batch 64 as at batch 8, and heap bytes that do not grow with the batch.
 */
class SteadyStateAllocationTest {
    private static final int WARM_UP = 20;
    private static final int STEPS = 10;
    /** The largest ND4J bookkeeping buffer: a rank-4 shape descriptor of 12 longs. */
    private static final long METADATA_BYTES = 12 * Long.BYTES;
    /** How long a warm-up may wait for the JIT: far longer than the seconds it takes on two busy cores. */
    private static final Duration JIT_LIMIT = Duration.ofSeconds(60);
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private record PerStep(Snapshot offHeap, long heapBytes, JitWarmUp.Result warmUp) {}

    @Test
    void steadyStateStepsAllocateNoTensorMemoryAtAnyBatchSize() throws ReflectiveOperationException {
        OffHeapCounter counter = OffHeapCounter.install();
        PerStep small = measure(counter, 8, true);
        PerStep large = measure(counter, 64, true);
        for (PerStep step : new PerStep[] {small, large}) {
            assertWithMessage("largest off-heap buffer allocated outside the workspace in a steady-state step")
                    .that(step.offHeap().largest()).isAtMost(METADATA_BYTES);
        }
        // ND4J caches some shape descriptors by shape, so the counts differ by a few between batch sizes.
        assertWithMessage("off-heap buffers per step at batch 64 (%s at batch 8)", small.offHeap().buffers())
                .that((double) large.offHeap().buffers()).isAtMost(small.offHeap().buffers() * 1.1);
        // A tensor on the heap would add at least 4 bytes per example per activation (over 80 KB
        // per batch-64 step for the smallest activation here); ND4J's op objects vary by a few KB.
        assertWithMessage("heap bytes per step at batch 64 (%s at batch 8; warm-ups %s, %s)", small.heapBytes(),
                small.warmUp(), large.warmUp())
                .that((double) large.heapBytes()).isAtMost(small.heapBytes() + 64 * 1024.0);
        System.out.printf(Locale.ROOT, "steady-state step, per step: batch 8: %d off-heap buffers (%d bytes), %d heap"
                        + " bytes; batch 64: %d off-heap buffers (%d bytes), %d heap bytes; warm-up steps %d and %d%n",
                small.offHeap().buffers(), small.offHeap().bytes(), small.heapBytes(), large.offHeap().buffers(),
                large.offHeap().bytes(), large.heapBytes(), small.warmUp().steps(), large.warmUp().steps());
    }

    /** The counter sees tensors when they are allocated: the same steps outside a workspace. */
    @Test
    void counterSeesTheTensorsOfAStepOutsideAWorkspace() throws ReflectiveOperationException {
        OffHeapCounter counter = OffHeapCounter.install();
        PerStep step = measure(counter, 8, false);
        // conv1's output alone: 8 x 32 x 26 x 26 floats.
        long conv1OutputBytes = 8L * 32 * 26 * 26 * Float.BYTES;
        assertWithMessage("largest buffer of a step without a workspace").that(step.offHeap().largest())
                .isAtLeast(conv1OutputBytes);
    }

    /**
     * Allocations of one step over {@value #STEPS} steps after the warm-up: off-heap, the mean; heap, the
     * least step's.
     */
    private static PerStep measure(OffHeapCounter counter, int batch, boolean inWorkspace) {
        LaminaSeedNet model = LaminaSeedNet.create(1);
        Adam adam = new Adam();
        TrainingStep trainingStep = new TrainingStep(model, adam);
        LossFunction loss = LossFunction.of(model.loss());
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        Runnable step = inWorkspace ? () -> trainingStep.run(x, y, 5) : () -> {
            model.zeroGrad();
            model.backward(loss.gradient(model.forward(x, true), y));
            adam.step(model.parameters());
        };
        JitWarmUp.Result warmUp = JitWarmUp.run(step, WARM_UP, JIT_LIMIT);
        Snapshot before = counter.snapshot();
        // The least step's heap bytes: a garbage collection or a late compilation can touch one step; a
        // tensor on the heap would show in every step, the least included.
        long heap = Long.MAX_VALUE;
        for (int i = 0; i < STEPS; i++) {
            long heapBefore = THREADS.getCurrentThreadAllocatedBytes();
            step.run();
            heap = Math.min(heap, THREADS.getCurrentThreadAllocatedBytes() - heapBefore);
        }
        Snapshot counted = counter.snapshot().since(before);
        return new PerStep(new Snapshot(counted.buffers() / STEPS, counted.bytes() / STEPS, counted.largest()),
                heap, warmUp);
    }
}
