package dev.lamina.runtime.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a Java loop over {@code [0, n)} on as many threads as ND4J uses for its own ops
 * ({@code OMP_NUM_THREADS}, else the core count; the system property {@code lamina.kernel.threads}
 * overrides).
 *
 * <p>The range is cut into a few chunks per thread that the calling thread and the helpers claim
 * one at a time, and the caller waits only for chunks that were claimed. A helper that is slow to
 * wake up or is preempted (the machine may be shared, and OpenBLAS and libnd4j keep threads of
 * their own) then costs at most one chunk, not half the loop.
 */
final class Parallel {
    /** Loops with fewer elements than this run on the calling thread. */
    static final long MIN_PARALLEL_WORK = 1 << 15;
    private static final int CHUNKS_PER_THREAD = 8;

    interface RangeBody {
        void run(int from, int to);
    }

    private static final int THREADS = Integer.getInteger("lamina.kernel.threads", Math.max(1,
            Math.min(Runtime.getRuntime().availableProcessors(), Nd4j.getEnvironment().maxThreads())));

    private static final ExecutorService POOL = THREADS == 1 ? null : Executors.newFixedThreadPool(
            THREADS - 1, r -> {
                Thread t = new Thread(r, "lamina-kernel");
                t.setDaemon(true);
                return t;
            });

    private Parallel() {}

    /**
     * Calls {@code body} on disjoint chunks covering {@code [0, n)}, possibly on several threads.
     *
     * @param work total elements touched, to decide whether threads pay off
     */
    static void forRange(int n, long work, RangeBody body) {
        int chunks = Math.min(THREADS * CHUNKS_PER_THREAD, n);
        if (THREADS == 1 || chunks <= 1 || work < MIN_PARALLEL_WORK) {
            body.run(0, n);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(chunks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int k = next.getAndIncrement(); k < chunks; k = next.getAndIncrement()) {
                try {
                    body.run((int) ((long) n * k / chunks), (int) ((long) n * (k + 1) / chunks));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int t = 1; t < THREADS; t++) {
            POOL.execute(worker);
        }
        worker.run();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a kernel thread", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
