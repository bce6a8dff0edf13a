package dev.lamina.runtime.kernel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a Java loop over {@code [0, n)} on as many threads as ND4J uses for its own ops
 * ({@code OMP_NUM_THREADS}, else the core count; the system property {@code lamina.kernel.threads}
 * overrides), in contiguous chunks; the calling thread takes the first chunk.
 */
final class Parallel {
    /** Loops with fewer elements than this run on the calling thread. */
    static final long MIN_PARALLEL_WORK = 1 << 15;

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
     * Calls {@code body} on disjoint chunks covering {@code [0, n)}.
     *
     * @param work total elements touched, to decide whether threads pay off
     */
    static void forRange(int n, long work, RangeBody body) {
        int chunks = Math.min(THREADS, n);
        if (chunks <= 1 || work < MIN_PARALLEL_WORK) {
            body.run(0, n);
            return;
        }
        Future<?>[] pending = new Future<?>[chunks - 1];
        for (int k = 1; k < chunks; k++) {
            int from = (int) ((long) n * k / chunks);
            int to = (int) ((long) n * (k + 1) / chunks);
            pending[k - 1] = POOL.submit(() -> body.run(from, to));
        }
        body.run(0, n / chunks);
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a kernel thread", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }
    }
}
