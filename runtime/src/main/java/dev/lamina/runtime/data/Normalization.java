package dev.lamina.runtime.data;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Standardisation of features: {@code (x - mean) / std} per feature of {@code [N, D]} rows, or per
 * channel of {@code [N, C, ...]} arrays (images {@code [N, C, H, W]}, NCHW), that is per index of axis 1
 * over all other axes. As scikit-learn's {@code StandardScaler} and Keras' {@code Normalization} layer:
 * {@link #fit} computes the statistics on the training data only, and {@link #apply(Dataset)} applies
 * the same ones to training, validation and test data (and to inputs at prediction time), so that no
 * information leaks from held-out data. {@code std} is the population standard deviation (divisor
 * {@code N}); a constant feature gets {@code std = 1}, as in scikit-learn, so it becomes 0 rather than NaN.
 * Immutable.
 */
public final class Normalization {
    private final double[] mean;
    private final double[] std;

    /**
     * Statistics known beforehand (saved from an earlier {@link #fit}, or published ones such as
     * ImageNet's per-channel mean and std).
     *
     * @param mean per feature or channel
     * @param std  per feature or channel, each finite and > 0
     * @throws IllegalArgumentException if the lengths differ or are 0, or a value is not finite or a std not > 0
     */
    public Normalization(double[] mean, double[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std must have one value per feature or channel, found "
                    + mean.length + " and " + std.length);
        }
        for (int i = 0; i < mean.length; i++) {
            if (!Double.isFinite(mean[i]) || !Double.isFinite(std[i]) || std[i] <= 0) {
                throw new IllegalArgumentException("feature or channel " + i + " has mean " + mean[i] + " and std "
                        + std[i] + "; both must be finite and the std > 0");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * The mean and standard deviation of each feature or channel (axis 1) of the training features.
     *
     * @param train the training part (after {@link Dataset#split}); its features {@code [N, D]} or
     *              {@code [N, C, ...]} of a floating-point type
     * @return the statistics
     * @throws IllegalArgumentException if the features are integers (token ids), of rank 1, empty, or hold
     *     NaN or infinity (naming the feature or channel)
     */
    public static Normalization fit(Dataset train) {
        return fit(train.features());
    }

    /**
     * The mean and standard deviation of each index of axis 1 of {@code features}.
     *
     * @param features {@code [N, D]} or {@code [N, C, ...]}, floating point
     * @return the statistics
     * @throws IllegalArgumentException as {@link #fit(Dataset)}
     */
    public static Normalization fit(INDArray features) {
        checkShape(features);
        if (features.size(0) == 0) {
            throw new IllegalArgumentException("cannot fit a normalisation to no examples");
        }
        INDArray perAxis1 = byAxis1(features.castTo(DataType.DOUBLE));
        double[] mean = perAxis1.mean(1).toDoubleVector();
        double[] std = perAxis1.std(false, 1).toDoubleVector();
        for (int i = 0; i < mean.length; i++) {
            if (!Double.isFinite(mean[i]) || !Double.isFinite(std[i])) {
                throw new IllegalArgumentException("feature or channel " + i + " holds NaN or infinity (mean "
                        + mean[i] + "); clean the data before normalising");
            }
            std[i] = std[i] > 0 ? std[i] : 1;
        }
        return new Normalization(mean, std);
    }

    /**
     * {@code dataset} with standardised features; labels, classes and names are kept.
     *
     * @param dataset features {@code [N, D]} or {@code [N, C, ...]} with this object's number of features or
     *                channels on axis 1
     * @return a new dataset with new features, in the features' data type
     * @throws IllegalArgumentException as {@link #apply(INDArray)}
     */
    public Dataset apply(Dataset dataset) {
        return new Dataset(apply(dataset.features()), dataset.labels(), dataset.classes(), dataset.numClasses(),
                dataset.classNames());
    }

    /**
     * Standardised features: {@code (x - mean[i]) / std[i]} for index {@code i} of axis 1.
     *
     * @param features {@code [N, D]} or {@code [N, C, ...]} floating point, {@code D} or {@code C} equal to
     *                 {@link #size()}
     * @return a new array of the same shape and data type
     * @throws IllegalArgumentException if the features are integers, of rank 1, or have another size on axis 1
     */
    public INDArray apply(INDArray features) {
        checkShape(features);
        if (features.size(1) != mean.length) {
            throw new IllegalArgumentException("features " + Arrays.toString(features.shape()) + " have "
                    + features.size(1) + " features or channels on axis 1, but the normalisation was fitted to "
                    + mean.length);
        }
        long[] shape = new long[features.rank()];
        Arrays.fill(shape, 1);
        shape[1] = mean.length;
        DataType type = features.dataType();
        INDArray m = Nd4j.createFromArray(mean).castTo(type).reshape(shape);
        INDArray s = Nd4j.createFromArray(std).castTo(type).reshape(shape);
        return features.sub(m).divi(s);
    }

    /** {@return the number of features or channels, the size of axis 1} */
    public int size() {
        return mean.length;
    }

    /** {@return a copy of the mean of each feature or channel} */
    public double[] mean() {
        return mean.clone();
    }

    /** {@return a copy of the standard deviation of each feature or channel (1 where it was 0)} */
    public double[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        return "Normalization[mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
    }

    private static void checkShape(INDArray features) {
        Objects.requireNonNull(features, "features");
        if (!features.dataType().isFPType()) {
            throw new IllegalArgumentException("only floating-point features can be normalised, found "
                    + features.dataType() + " (token ids are not normalised)");
        }
        if (features.rank() < 2) {
            throw new IllegalArgumentException("features must be [N, D] or [N, C, ...], found shape "
                    + Arrays.toString(features.shape()));
        }
    }

    /** {@code [N, C, ...]} as {@code [C, N * ...]}: one row per index of axis 1. */
    private static INDArray byAxis1(INDArray features) {
        int[] order = new int[features.rank()];
        order[0] = 1;
        order[1] = 0;
        for (int d = 2; d < order.length; d++) {
            order[d] = d;
        }
        return features.permute(order).dup('c').reshape('c', features.size(1), -1);
    }
}
