package dev.lamina.runtime.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mini-batches of a {@link Dataset} in a shuffled order that is new every epoch and reproducible:
 * epoch {@code e} visits the examples in the Fisher–Yates permutation drawn from
 * {@code new java.util.Random(seed + e)} (Durstenfeld's in-place variant, Knuth TAOCP vol. 2,
 * Algorithm P).
 *
 * <p>Every epoch has {@link #batchCount()} batches of {@code batchSize} examples, except that the last
 * one holds the remaining {@code N mod batchSize} examples when that is not zero: no example is dropped.
 * With drop-last (PyTorch's {@code DataLoader(drop_last=True)}) that partial batch is left out instead:
 * every batch is full, and each epoch skips the {@code N mod batchSize} examples that its shuffle puts
 * last, a different few every epoch.
 *
 * <p>Rows are gathered with {@code Nd4j.pullRows} into arrays allocated once per instance and reused:
 * a {@link Batch}'s arrays are valid until the next call to {@code next()} on any iterator of this
 * object, which fits a training loop that finishes its step before asking for the next batch. Copy
 * them ({@code dup()}) to keep them longer. Not thread-safe.
 */
public final class Batches {
    private final Dataset data;
    private final int batchSize;
    private final long seed;
    /** Examples visited per epoch: N, or N rounded down to whole batches with drop-last. */
    private final int examplesPerEpoch;
    private final INDArray flatFeatures;
    private final long[] featureShape;
    private Buffers full;
    private Buffers partial;

    /** Reused destination arrays for one batch size. */
    private record Buffers(INDArray flatFeatures, INDArray features, INDArray labels) {}

    /**
     * Batches {@code data}; the shuffles are drawn per epoch, in {@link #epoch(int)}.
     *
     * @param data      the examples; its features must have at least one example
     * @param batchSize examples per batch, >= 1
     * @param seed      base seed of the per-epoch shuffles
     * @throws IllegalArgumentException if {@code batchSize < 1} or the dataset is empty
     */
    public Batches(Dataset data, int batchSize, long seed) {
        this(data, batchSize, seed, false);
    }

    /**
     * Batches {@code data}, optionally leaving out each epoch's last partial batch.
     *
     * @param data      the examples; its features must have at least one example
     * @param batchSize examples per batch, >= 1
     * @param seed      base seed of the per-epoch shuffles
     * @param dropLast  true to leave out the last batch of an epoch when it would hold fewer than
     *                  {@code batchSize} examples, as PyTorch's {@code drop_last}
     * @throws IllegalArgumentException if {@code batchSize < 1}, the dataset is empty, or drop-last
     *     leaves no batch (fewer examples than {@code batchSize})
     */
    public Batches(Dataset data, int batchSize, long seed, boolean dropLast) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot batch an empty dataset");
        }
        if (dropLast && data.size() < batchSize) {
            throw new IllegalArgumentException("drop-last leaves no batch: " + data.size() + " examples are fewer than"
                    + " one batch of " + batchSize + "; lower the batch size or turn drop-last off");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
        this.examplesPerEpoch = dropLast ? data.size() / batchSize * batchSize : data.size();
        INDArray features = data.features();
        this.featureShape = features.shape();
        // pullRows gathers rows of a matrix: view [N, ...] as [N, D] (a copy only if not contiguous).
        INDArray contiguous = features.ordering() == 'c' && features.elementWiseStride() == 1 ? features : features.dup('c');
        this.flatFeatures = contiguous.reshape('c', featureShape[0], features.length() / featureShape[0]);
    }

    /** {@return the number of batches per epoch, {@code ceil(N / batchSize)}, or {@code floor} with drop-last} */
    public int batchCount() {
        return (examplesPerEpoch + batchSize - 1) / batchSize;
    }

    /** {@return the examples visited per epoch: {@code N}, or {@code batchCount() * batchSize} with drop-last} */
    public int examplesPerEpoch() {
        return examplesPerEpoch;
    }

    /** {@return the number of examples per batch (the last batch of an epoch may hold fewer)} */
    public int batchSize() {
        return batchSize;
    }

    /** {@return the dataset this object batches} */
    public Dataset data() {
        return data;
    }

    /**
     * The batches of one epoch, shuffled with {@code Random(seed + epoch)}.
     *
     * @param epoch the epoch, 0-based
     * @return the epoch's batches; each iterator reuses this object's arrays (see the class comment)
     */
    public Iterable<Batch> epoch(int epoch) {
        return epoch(epoch, 0);
    }

    /**
     * The batches of epoch {@code epoch} from batch {@code firstBatch} on: {@link #epoch(int)} without
     * its first {@code firstBatch} batches, which are not gathered (to resume an epoch).
     *
     * @param epoch      the epoch, 0-based
     * @param firstBatch batches of the epoch to skip
     * @return the remaining batches of the epoch
     * @throws IllegalArgumentException unless {@code 0 <= firstBatch <= batchCount()}
     */
    public Iterable<Batch> epoch(int epoch, int firstBatch) {
        if (firstBatch < 0 || firstBatch > batchCount()) {
            throw new IllegalArgumentException("firstBatch must be in [0, " + batchCount() + "], found " + firstBatch);
        }
        int[] order = permutation(data.size(), seed + epoch);
        return () -> new Iterator<>() {
            private int next = firstBatch * batchSize;

            @Override
            public boolean hasNext() {
                return next < examplesPerEpoch;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(next + batchSize, examplesPerEpoch);
                Batch batch = gather(Arrays.copyOfRange(order, next, end));
                next = end;
                return batch;
            }
        };
    }

    /**
     * Batches of {@code data} in order, as views without copying (for evaluation). The last batch holds
     * the remainder.
     *
     * @param data      the examples
     * @param batchSize examples per batch, >= 1
     * @return the batches; their arrays share memory with {@code data}
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public static Iterable<Batch> inOrder(Dataset data, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        return () -> new Iterator<>() {
            private int next = 0;

            @Override
            public boolean hasNext() {
                return next < data.size();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(next + batchSize, data.size());
                Batch batch = new Batch(Dataset.rows(data.features(), next, end), Dataset.rows(data.labels(), next, end));
                next = end;
                return batch;
            }
        };
    }

    /** A uniformly random permutation of {@code 0 .. n-1}: Fisher–Yates driven by {@code Random(seed)}. */
    static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private Batch gather(int[] rows) {
        Buffers buffers = buffersFor(rows.length);
        Nd4j.pullRows(flatFeatures, buffers.flatFeatures(), 1, rows);
        Nd4j.pullRows(data.labels(), buffers.labels(), 1, rows);
        return new Batch(buffers.features(), buffers.labels());
    }

    private Buffers buffersFor(int rows) {
        if (rows == batchSize) {
            return full != null ? full : (full = allocate(rows));
        }
        if (partial == null || partial.labels().size(0) != rows) {
            partial = allocate(rows);
        }
        return partial;
    }

    private Buffers allocate(int rows) {
        INDArray flat = Nd4j.create(flatFeatures.dataType(), new long[] {rows, flatFeatures.size(1)}, 'c');
        long[] shape = featureShape.clone();
        shape[0] = rows;
        INDArray labels = Nd4j.create(data.labels().dataType(), new long[] {rows, data.labels().size(1)}, 'c');
        return new Buffers(flat, flat.reshape('c', shape), labels);
    }
}
