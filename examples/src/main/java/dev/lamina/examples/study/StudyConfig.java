package dev.lamina.examples.study;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What one study trains: which orderings, on how much of MNIST, for how long, with which seeds.
 *
 * @param orderings     the orderings to train, in report order
 * @param epochs        passes over the training subset, >= 1
 * @param seeds         seeds per ordering, >= 1; seed {@code k} is {@code firstSeed + k}
 * @param firstSeed     the first seed; it seeds initialisation, shuffling and dropout
 * @param trainSize     the first {@code trainSize} of MNIST's 60,000 training images, >= 1
 * @param testSize      the first {@code testSize} of MNIST's 10,000 test images, >= 2
 * @param batchSize     training examples per Adam step, >= 1
 * @param learningRate  Adam's learning rate (PyTorch defaults otherwise; Keras' Adam is the same
 *                      algorithm with epsilon 1e-7 instead of 1e-8)
 */
public record StudyConfig(List<Ordering> orderings, int epochs, int seeds, long firstSeed, int trainSize,
        int testSize, int batchSize, double learningRate) {
    /** Evaluation and variance-measurement batch size: inference only, so larger than training's. */
    public static final int EVAL_BATCH_SIZE = 500;

    public StudyConfig {
        orderings = List.copyOf(orderings);
        if (orderings.isEmpty()) {
            throw new IllegalArgumentException("no orderings to study");
        }
        if (orderings.stream().distinct().count() != orderings.size()) {
            throw new IllegalArgumentException("an ordering is listed twice: " + orderings);
        }
        check(epochs >= 1, "epochs must be >= 1, found " + epochs);
        check(seeds >= 1, "seeds must be >= 1, found " + seeds);
        check(trainSize >= 1, "train size must be >= 1, found " + trainSize);
        check(testSize >= 2, "test size must be >= 2, found " + testSize);
        check(batchSize >= 1, "batch size must be >= 1, found " + batchSize);
        check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be positive, found " + learningRate);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The seed of replicate {@code k} (from 0). */
    public long seed(int k) {
        return firstSeed + k;
    }

    /**
     * The settings that a finished cell's result depends on, as one line. Cells are reused after an
     * interruption only when this matches, so changing the orderings or the seed count keeps them,
     * while changing epochs or data sizes does not.
     */
    public String cellFingerprint() {
        return String.format(Locale.ROOT, "epochs=%d trainSize=%d testSize=%d batchSize=%d lr=%s optimizer=adam",
                epochs, trainSize, testSize, batchSize, learningRate);
    }

    /** The {@code study} command line that reproduces this configuration. */
    public String commandLine() {
        String orderingList = orderings.equals(Ordering.all()) ? ""
                : " --orderings " + orderings.stream().map(Ordering::label).collect(Collectors.joining(","));
        return String.format(Locale.ROOT, "study --epochs %d --seeds %d --first-seed %d --train-size %d --test-size %d"
                        + " --batch-size %d --lr %s%s", epochs, seeds, firstSeed, trainSize, testSize, batchSize,
                learningRate, orderingList);
    }
}
