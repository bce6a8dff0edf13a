package dev.lamina.runtime.train;

/**
 * What one training epoch achieved.
 *
 * @param epoch           1-based epoch number
 * @param trainLoss       mean training loss over the epoch's examples (measured during training, in
 *                        training mode, while the parameters changed)
 * @param testLoss        mean loss on the test set after the epoch (inference mode)
 * @param testAccuracy    fraction in [0, 1] of test examples (positions, for labels of one class per
 *                        position) classified correctly after the epoch; NaN for regression
 * @param imagesPerSecond training throughput: training examples / seconds spent in the training steps
 * @param elapsedSeconds  wall-clock seconds of the whole epoch, training and evaluation
 * @param trainAccuracy   fraction in [0, 1] of the epoch's training examples (positions, for labels of one
 *                        class per position) whose training-mode
 *                        output (with dropout, while the parameters changed) had its arg-max at the
 *                        labelled class, like Keras' running {@code accuracy}; after a resume in the
 *                        middle of the epoch, over the examples trained since resuming; NaN for
 *                        regression
 */
public record EpochMetrics(int epoch, double trainLoss, double testLoss, double testAccuracy,
        double imagesPerSecond, double elapsedSeconds, double trainAccuracy) {}
