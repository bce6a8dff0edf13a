package dev.lamina.runtime.analysis;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one BatchNorm layer sees at inference compared with what it assumes: per channel, the mean and
 * variance of the layer's input measured over a dataset in inference mode, next to the running mean
 * and variance the layer normalises with. Made by {@link VarianceShift#measure}.
 *
 * <p>The variance ratio {@code inferenceVariance[c] / runningVariance[c]} is 1 when the running
 * statistics describe the inference inputs. Li et al. 2018 ("Understanding the Disharmony between
 * Dropout and Batch Normalization by Variance Shift", arXiv 1801.05134) predict a ratio below 1 when
 * dropout precedes the layer: in training dropout inflates the variance that the running statistics
 * record, and at inference it is off.
 *
 * @param layer             the BatchNorm layer's name
 * @param inferenceMean     per channel {@code [C]}: mean of the layer's input over the dataset
 * @param inferenceVariance per channel {@code [C]}: unbiased variance of the layer's input over the
 *                          dataset, over the N (rank-2 input) or N*H*W (rank-4 input) values of the channel
 * @param runningMean       per channel {@code [C]}: the layer's {@code running_mean} buffer
 * @param runningVariance   per channel {@code [C]}: the layer's {@code running_var} buffer
 * @param valuesPerChannel  how many values each channel's statistics are over
 */
public record BatchNormShift(String layer, double[] inferenceMean, double[] inferenceVariance, double[] runningMean,
        double[] runningVariance, long valuesPerChannel) {
    /**
     * Copies the arrays.
     *
     * @param layer             the BatchNorm layer's name
     * @param inferenceMean     per channel: mean of the layer's input over the dataset
     * @param inferenceVariance per channel: unbiased variance of the layer's input over the dataset
     * @param runningMean       per channel: the layer's running mean
     * @param runningVariance   per channel: the layer's running variance
     * @param valuesPerChannel  how many values each channel's statistics are over
     * @throws IllegalArgumentException if the per-channel arrays differ in length
     */
    public BatchNormShift {
        Objects.requireNonNull(layer, "layer");
        int channels = inferenceVariance.length;
        if (inferenceMean.length != channels || runningMean.length != channels || runningVariance.length != channels) {
            throw new IllegalArgumentException("per-channel arrays of " + layer + " differ in length");
        }
        inferenceMean = inferenceMean.clone();
        inferenceVariance = inferenceVariance.clone();
        runningMean = runningMean.clone();
        runningVariance = runningVariance.clone();
    }

    /** {@return the number of channels C} */
    public int channels() {
        return inferenceVariance.length;
    }

    /**
     * {@return per channel {@code inferenceVariance / runningVariance}, {@code [C]}; infinite or NaN for a
     * channel whose running variance is 0}
     */
    public double[] varianceRatios() {
        double[] ratios = new double[channels()];
        for (int c = 0; c < ratios.length; c++) {
            ratios[c] = inferenceVariance[c] / runningVariance[c];
        }
        return ratios;
    }

    /** {@return the mean over channels of {@link #varianceRatios()}} */
    public double meanVarianceRatio() {
        return Arrays.stream(varianceRatios()).average().orElse(Double.NaN);
    }

    /** {@return the largest of {@link #varianceRatios()}} */
    public double maxVarianceRatio() {
        return Arrays.stream(varianceRatios()).max().orElse(Double.NaN);
    }

    /** {@return the smallest of {@link #varianceRatios()}} */
    public double minVarianceRatio() {
        return Arrays.stream(varianceRatios()).min().orElse(Double.NaN);
    }

    /** {@return a copy of the per-channel mean of the layer's input at inference} */
    @Override
    public double[] inferenceMean() {
        return inferenceMean.clone();
    }

    /** {@return a copy of the per-channel variance of the layer's input at inference} */
    @Override
    public double[] inferenceVariance() {
        return inferenceVariance.clone();
    }

    /** {@return a copy of the layer's running mean} */
    @Override
    public double[] runningMean() {
        return runningMean.clone();
    }

    /** {@return a copy of the layer's running variance} */
    @Override
    public double[] runningVariance() {
        return runningVariance.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchNormShift that
                && layer.equals(that.layer)
                && valuesPerChannel == that.valuesPerChannel
                && Arrays.equals(inferenceMean, that.inferenceMean)
                && Arrays.equals(inferenceVariance, that.inferenceVariance)
                && Arrays.equals(runningMean, that.runningMean)
                && Arrays.equals(runningVariance, that.runningVariance);
    }

    @Override
    public int hashCode() {
        return Objects.hash(layer, valuesPerChannel, Arrays.hashCode(inferenceVariance), Arrays.hashCode(runningVariance));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: variance ratio mean %.4f, min %.4f, max %.4f over %d channels",
                layer, meanVarianceRatio(), minVarianceRatio(), maxVarianceRatio(), channels());
    }
}
