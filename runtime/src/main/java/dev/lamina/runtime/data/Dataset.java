package dev.lamina.runtime.data;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Labelled examples for classification.
 *
 * @param features {@code [N, ...]} (MNIST: {@code [N, 1, 28, 28]}, NCHW), FLOAT, pixel values scaled to [0, 1]
 * @param labels   one-hot targets {@code [N, K]}, same data type as {@code features}
 * @param classes  the class index {@code 0 <= c < K} of each example, length {@code N}
 */
public record Dataset(INDArray features, INDArray labels, int[] classes) {
    /**
     * Checks the shapes and copies {@code classes}.
     *
     * @param features {@code [N, ...]} examples
     * @param labels   one-hot targets {@code [N, K]}
     * @param classes  the class index of each example, length {@code N}
     * @throws IllegalArgumentException if the three disagree on {@code N} or labels are not {@code [N, K]}
     */
    public Dataset {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classes, "classes");
        if (labels.rank() != 2) {
            throw new IllegalArgumentException("labels must be one-hot [N, K], found shape "
                    + Arrays.toString(labels.shape()));
        }
        if (features.rank() < 1 || features.size(0) != labels.size(0) || labels.size(0) != classes.length) {
            throw new IllegalArgumentException("features " + Arrays.toString(features.shape()) + ", labels "
                    + Arrays.toString(labels.shape()) + " and classes (" + classes.length
                    + ") must have the same number of examples N");
        }
        classes = classes.clone();
    }

    /**
     * A dataset whose labels are the one-hot encoding of {@code classes}.
     *
     * @param features   {@code [N, ...]}
     * @param classes    class of each example, length {@code N}, each in {@code [0, numClasses)}
     * @param numClasses {@code K}
     * @return the dataset, with labels {@code [N, K]} of the features' data type
     * @throws IllegalArgumentException if a class is out of range or lengths disagree
     */
    public static Dataset of(INDArray features, int[] classes, int numClasses) {
        return new Dataset(features, oneHot(classes, numClasses, features.dataType()), classes);
    }

    /**
     * One-hot rows for the given class indices.
     *
     * @param classes    class of each example, length {@code N}
     * @param numClasses {@code K}, >= 1
     * @param dataType   element type of the result
     * @return {@code [N, K]} with a 1 in column {@code classes[i]} of row {@code i} and 0 elsewhere
     * @throws IllegalArgumentException if {@code numClasses < 1} or a class is outside {@code [0, numClasses)}
     */
    public static INDArray oneHot(int[] classes, int numClasses, DataType dataType) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, found " + numClasses);
        }
        INDArray labels = Nd4j.zeros(dataType, classes.length, numClasses);
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] >= numClasses) {
                throw new IllegalArgumentException("class of example " + i + " must be in [0, " + numClasses
                        + "), found " + classes[i]);
            }
            labels.putScalar(i, classes[i], 1.0);
        }
        return labels;
    }

    /** {@return the number of examples {@code N}} */
    public int size() {
        return classes.length;
    }

    /** {@return the number of classes {@code K}} */
    public int numClasses() {
        return (int) labels.size(1);
    }

    /** {@return a copy of the class indices, length {@code N}} */
    @Override
    public int[] classes() {
        return classes.clone();
    }

    /**
     * The class of one example.
     *
     * @param i the example's index, in {@code [0, N)}
     * @return its class, in {@code [0, K)}
     */
    public int classOf(int i) {
        return classes[i];
    }

    /**
     * Examples {@code [from, to)}. Features and labels are views that share memory with this dataset.
     *
     * @param from first example, inclusive
     * @param to   last example, exclusive
     * @return the {@code to - from} examples
     * @throws IllegalArgumentException unless {@code 0 <= from <= to <= size()}
     */
    public Dataset slice(int from, int to) {
        if (from < 0 || from > to || to > size()) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") is outside [0, " + size() + ")");
        }
        return new Dataset(rows(features, from, to), rows(labels, from, to), Arrays.copyOfRange(classes, from, to));
    }

    /** A view of rows {@code [from, to)} along axis 0 of {@code array}. */
    static INDArray rows(INDArray array, long from, long to) {
        INDArrayIndex[] index = new INDArrayIndex[array.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return array.get(index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dataset that
                && Arrays.equals(classes, that.classes)
                && features.equals(that.features)
                && labels.equals(that.labels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(features.shape()) + Arrays.hashCode(classes);
    }

    @Override
    public String toString() {
        return "Dataset[N=" + size() + ", K=" + numClasses() + ", features " + Arrays.toString(features.shape())
                + " " + features.dataType() + "]";
    }
}
