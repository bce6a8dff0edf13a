package dev.lamina.runtime.data;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Labelled examples for classification, with one of two kinds of labels:
 * <ul>
 *   <li><b>One class per example</b> (images, vectors, whole sequences): {@code labels} are one-hot rows
 *       {@code [N, K]} of a floating-point type, {@code classes} has length {@code N}. Built by
 *       {@link #of}.</li>
 *   <li><b>One class per position</b> (next-token prediction, tagging): {@code labels} are class ids
 *       {@code [N, T]} of an integer type (INT, LONG), {@code classes} holds them in row-major order (length
 *       {@code N * T}), and the model's output is {@code [N, T, K]} logits. Built by
 *       {@link #perPosition}.</li>
 * </ul>
 * The label type tells the two apart: floating-point labels are one-hot, integer labels are ids.
 *
 * <p>Features are {@code [N, ...]} of any type. Token sequences are {@code [N, T]} INT or LONG ids,
 * which training and evaluation pass to the model as they are (floating-point features are cast to
 * the model's type). Sequences have a fixed length {@code T}: there are no padding masks yet, so
 * sequences of different lengths must be cut or packed to one length first.
 *
 * @param features   {@code [N, ...]} (MNIST: {@code [N, 1, 28, 28]}, NCHW, FLOAT pixel values in [0, 1];
 *                   tokens: {@code [N, T]} integer ids, INT or LONG)
 * @param labels     one-hot targets {@code [N, K]} of a floating-point type, or class ids {@code [N, T]}
 *                   (integer: INT, LONG) for one class per position
 * @param classes    the class index {@code 0 <= c < K} of each label: length {@code N}, or {@code N * T}
 *                   in row-major order for one class per position
 * @param numClasses {@code K}, >= 1 (the vocabulary size for next-token prediction)
 */
public record Dataset(INDArray features, INDArray labels, int[] classes, int numClasses) {
    /**
     * Checks the shapes and copies {@code classes}. For one class per position it also checks that
     * {@code classes} holds the ids of {@code labels} (one pass over them).
     *
     * @param features   {@code [N, ...]} examples
     * @param labels     one-hot targets {@code [N, K]} (floating point) or class ids {@code [N, T]} (integer)
     * @param classes    the class index of each label, length {@code N} or {@code N * T}
     * @param numClasses {@code K}; for one-hot labels it must be their width
     * @throws IllegalArgumentException if the three disagree on {@code N}, labels are not of rank 2 or
     *     neither floating point nor integer, one-hot labels are not {@code K} wide, or a class is
     *     outside {@code [0, K)} or differs from its id in {@code labels} (naming the example and position)
     */
    public Dataset {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classes, "classes");
        boolean ids = labels.dataType().isIntType();
        if (labels.rank() != 2) {
            throw new IllegalArgumentException("labels must be one-hot [N, K] or class ids [N, T], found shape "
                    + Arrays.toString(labels.shape()));
        }
        if (!ids && !labels.dataType().isFPType()) {
            throw new IllegalArgumentException("labels must be floating-point one-hot rows or integer class ids, found "
                    + labels.dataType());
        }
        long perExample = ids ? labels.size(1) : 1;
        if (features.rank() < 1 || features.size(0) != labels.size(0)
                || labels.size(0) * perExample != classes.length) {
            throw new IllegalArgumentException("features " + Arrays.toString(features.shape()) + ", labels "
                    + Arrays.toString(labels.shape()) + " and classes (" + classes.length
                    + (ids ? ", N * T for per-position labels" : "") + ") must have the same number of examples N");
        }
        if (numClasses < 1 || !ids && labels.size(1) != numClasses) {
            throw new IllegalArgumentException("numClasses must be >= 1" + (ids ? "" : " and the width of the one-hot"
                    + " labels " + Arrays.toString(labels.shape())) + ", found " + numClasses);
        }
        classes = classes.clone();
        if (ids) {
            long[] stored = labels.dup('c').data().asLong();
            int t = (int) perExample;
            for (int i = 0; i < classes.length; i++) {
                if (classes[i] < 0 || classes[i] >= numClasses) {
                    throw new IllegalArgumentException("class of example " + i / t + " at position " + i % t
                            + " must be in [0, " + numClasses + "), found " + classes[i]);
                }
                if (stored[i] != classes[i]) {
                    throw new IllegalArgumentException("class of example " + i / t + " at position " + i % t
                            + " is " + classes[i] + " but the label holds " + stored[i]);
                }
            }
        }
    }

    /**
     * Labelled examples with one-hot labels: {@code numClasses} is their width {@code K}.
     *
     * @param features {@code [N, ...]} examples
     * @param labels   one-hot targets {@code [N, K]}, floating point
     * @param classes  the class index of each example, length {@code N}
     * @throws IllegalArgumentException if the three disagree on {@code N}, labels are not {@code [N, K]},
     *     or labels are integer ids (use {@link #perPosition}, which knows the number of classes)
     */
    public Dataset(INDArray features, INDArray labels, int[] classes) {
        this(features, labels, classes, oneHotWidth(labels));
    }

    private static int oneHotWidth(INDArray labels) {
        Objects.requireNonNull(labels, "labels");
        if (labels.dataType().isIntType()) {
            throw new IllegalArgumentException("integer labels are per-position class ids: build the dataset with"
                    + " Dataset.perPosition(features, labels, numClasses)");
        }
        return labels.rank() == 2 ? (int) labels.size(1) : -1;
    }

    /**
     * A dataset whose labels are the one-hot encoding of {@code classes}: one class per example.
     *
     * @param features   {@code [N, ...]}; for token sequences {@code [N, T]} INT or LONG ids
     * @param classes    class of each example, length {@code N}, each in {@code [0, numClasses)}
     * @param numClasses {@code K}
     * @return the dataset, with labels {@code [N, K]} of the features' data type, FLOAT for integer features
     * @throws IllegalArgumentException if a class is out of range or lengths disagree
     */
    public static Dataset of(INDArray features, int[] classes, int numClasses) {
        DataType type = features.dataType().isFPType() ? features.dataType() : DataType.FLOAT;
        return new Dataset(features, oneHot(classes, numClasses, type), classes);
    }

    /**
     * A dataset with one class per position, for next-token prediction (labels are the inputs shifted
     * by one) or sequence tagging. The model's output for it is {@code [N, T, numClasses]} logits; the
     * loss is softmax cross-entropy averaged over all {@code N * T} positions, and accuracy counts
     * positions. Sequences have a fixed length {@code T} (no padding masks).
     *
     * @param features   {@code [N, ...]}, usually token ids {@code [N, T]} INT or LONG
     * @param labels     class ids {@code [N, T]} of an integer type (INT, LONG), each in {@code [0, numClasses)};
     *                   kept as given (not copied)
     * @param numClasses {@code K >= 1}, the vocabulary size for next-token prediction
     * @return the dataset
     * @throws IllegalArgumentException if {@code labels} are not {@code [N, T]} integers, an id is outside
     *     {@code [0, numClasses)} (naming the example, position and id), or {@code N} differs from the features'
     */
    public static Dataset perPosition(INDArray features, INDArray labels, int numClasses) {
        Objects.requireNonNull(labels, "labels");
        if (!labels.dataType().isIntType()) {
            throw new IllegalArgumentException("per-position labels must be integer class ids [N, T], found "
                    + labels.dataType() + " " + Arrays.toString(labels.shape()));
        }
        long[] ids = labels.dup('c').data().asLong();
        int[] classes = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            // Out-of-range ids are reported by the constructor, by example and position; clamp only the overflow.
            classes[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, ids[i]));
        }
        return new Dataset(features, labels, classes, numClasses);
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
        return (int) labels.size(0);
    }

    /** {@return whether the labels are one class per position ({@code [N, T]} ids) rather than one per example} */
    public boolean perPosition() {
        return labels.dataType().isIntType();
    }

    /** {@return labels per example: {@code T} for one class per position, else 1} */
    public int labelsPerExample() {
        return perPosition() ? (int) labels.size(1) : 1;
    }

    /** {@return a copy of the class indices: length {@code N}, or {@code N * T} in row-major order} */
    @Override
    public int[] classes() {
        return classes.clone();
    }

    /**
     * The class of one label: of example {@code i}, or for one class per position of position
     * {@code i % T} of example {@code i / T}.
     *
     * @param i the label's index, in {@code [0, N)} or {@code [0, N * T)}
     * @return its class, in {@code [0, K)}
     * @throws ArrayIndexOutOfBoundsException if {@code i} is outside that range
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
        int t = labelsPerExample();
        return new Dataset(rows(features, from, to), rows(labels, from, to),
                Arrays.copyOfRange(classes, from * t, to * t), numClasses);
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
                && numClasses == that.numClasses
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
        return "Dataset[N=" + size() + ", K=" + numClasses + (perPosition() ? ", T=" + labelsPerExample()
                + " labels per example" : "") + ", features " + Arrays.toString(features.shape()) + " "
                + features.dataType() + "]";
    }
}
