package dev.lamina.runtime.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Examples with their targets, for one of three tasks:
 * <ul>
 *   <li><b>One class per example</b> (images, vectors, whole sequences): {@code labels} are one-hot rows
 *       {@code [N, K]} of a floating-point type, {@code classes} has length {@code N}. Built by
 *       {@link #of}, {@link CsvDataset#classification()} and {@link ImageFolder#load}.</li>
 *   <li><b>One class per position</b> (next-token prediction, tagging): {@code labels} are class ids
 *       {@code [N, T]} of an integer type (INT, LONG), {@code classes} holds them in row-major order (length
 *       {@code N * T}), and the model's output is {@code [N, T, K]} logits. Built by
 *       {@link #perPosition}.</li>
 *   <li><b>Regression</b>: {@code labels} are real-valued targets {@code [N, K]} of a floating-point type,
 *       for a model with {@code Loss.MSE}; {@code classes} is empty and {@code numClasses} is 0. Built by
 *       {@link #regression} and {@link CsvDataset#regression()}.</li>
 * </ul>
 * The label type tells the first two apart: floating-point labels are one-hot, integer labels are ids.
 *
 * <p>Features are {@code [N, ...]} of any type. Token sequences are {@code [N, T]} INT or LONG ids,
 * which training and evaluation pass to the model as they are (floating-point features are cast to
 * the model's type). Sequences have a fixed length {@code T}: there are no padding masks yet, so
 * sequences of different lengths must be cut or packed to one length first.
 *
 * <p>To prepare data as in Keras or PyTorch: {@link #shuffle(long)}, {@link #split(double, long)} into
 * training and validation parts, and {@link Normalization#fit} on the training part, applied to both.
 * A dataset is immutable in its fields; {@link #slice} shares memory with it, the other methods copy.
 *
 * @param features   {@code [N, ...]} (MNIST: {@code [N, 1, 28, 28]}, NCHW, FLOAT pixel values in [0, 1];
 *                   tokens: {@code [N, T]} integer ids, INT or LONG; table rows: {@code [N, D]})
 * @param labels     one-hot targets {@code [N, K]} of a floating-point type, class ids {@code [N, T]}
 *                   (integer: INT, LONG) for one class per position, or regression targets {@code [N, K]}
 * @param classes    the class index {@code 0 <= c < K} of each label: length {@code N}, or {@code N * T}
 *                   in row-major order for one class per position; empty for regression
 * @param numClasses {@code K}, >= 1 (the vocabulary size for next-token prediction); 0 for regression
 * @param classNames the name of each class, index {@code c} naming class {@code c} (sub-folder names for
 *                   {@link ImageFolder}), or empty when the classes are unnamed and for regression
 */
public record Dataset(INDArray features, INDArray labels, int[] classes, int numClasses, List<String> classNames) {
    /**
     * Checks the shapes and copies {@code classes} and {@code classNames}. For one class per position it
     * also checks that {@code classes} holds the ids of {@code labels} (one pass over them).
     *
     * @param features   {@code [N, ...]} examples
     * @param labels     one-hot targets {@code [N, K]} (floating point), class ids {@code [N, T]} (integer),
     *                   or regression targets {@code [N, K]} (floating point, with {@code numClasses = 0})
     * @param classes    the class index of each label, length {@code N} or {@code N * T}; empty for regression
     * @param numClasses {@code K}; for one-hot labels it must be their width; 0 for regression
     * @param classNames empty, or {@code K} names
     * @throws IllegalArgumentException if the three disagree on {@code N}, labels are not of rank 2 or
     *     neither floating point nor integer, one-hot labels are not {@code K} wide, a class is
     *     outside {@code [0, K)} or differs from its id in {@code labels} (naming the example and position),
     *     regression targets are integers or come with classes, or there are neither 0 nor {@code K} names
     */
    public Dataset {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classes, "classes");
        classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        if (labels.rank() != 2) {
            throw new IllegalArgumentException("labels must be one-hot [N, K], class ids [N, T] or regression"
                    + " targets [N, K], found shape " + Arrays.toString(labels.shape()));
        }
        if (numClasses == 0) {
            checkRegression(features, labels, classes, classNames);
        } else {
            checkClassification(features, labels, classes, numClasses, classNames);
        }
        classes = classes.clone();
    }

    private static void checkClassification(INDArray features, INDArray labels, int[] classes, int numClasses,
            List<String> classNames) {
        boolean ids = labels.dataType().isIntType();
        if (!classNames.isEmpty() && classNames.size() != numClasses) {
            throw new IllegalArgumentException("classNames must be empty or name all " + numClasses
                    + " classes, found " + classNames.size() + " names " + classNames);
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

    /**
     * Labelled examples whose classes are unnamed ({@link #classNames()} empty).
     *
     * @param features   {@code [N, ...]} examples
     * @param labels     one-hot targets {@code [N, K]} (floating point), class ids {@code [N, T]} (integer),
     *                   or regression targets {@code [N, K]} (with {@code numClasses = 0})
     * @param classes    the class index of each label, length {@code N} or {@code N * T}; empty for regression
     * @param numClasses {@code K}; for one-hot labels it must be their width; 0 for regression
     * @throws IllegalArgumentException as the canonical constructor
     */
    public Dataset(INDArray features, INDArray labels, int[] classes, int numClasses) {
        this(features, labels, classes, numClasses, List.of());
    }

    private static void checkRegression(INDArray features, INDArray labels, int[] classes, List<String> names) {
        if (!labels.dataType().isFPType()) {
            throw new IllegalArgumentException("regression targets must be floating point [N, K], found "
                    + labels.dataType() + "; for class ids use Dataset.of or Dataset.perPosition");
        }
        if (classes.length != 0 || !names.isEmpty()) {
            throw new IllegalArgumentException("a regression dataset (numClasses 0) has no classes, found "
                    + classes.length + " classes and " + names.size() + " class names");
        }
        if (features.rank() < 1 || features.size(0) != labels.size(0)) {
            throw new IllegalArgumentException("features " + Arrays.toString(features.shape()) + " and targets "
                    + Arrays.toString(labels.shape()) + " must have the same number of examples N");
        }
        if (labels.size(1) < 1) {
            throw new IllegalArgumentException("regression targets must have at least one column, found shape "
                    + Arrays.toString(labels.shape()));
        }
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
     * A classification dataset from rows of numbers, one class per row (scikit-learn's {@code X, y}).
     *
     * @param features   {@code [N][D]}: N examples of D features each, all rows of one length
     * @param classes    class of each example, length {@code N}, each in {@code [0, numClasses)}
     * @param numClasses {@code K}
     * @return features {@code [N, D]} FLOAT and one-hot labels {@code [N, K]} FLOAT
     * @throws IllegalArgumentException if there are no rows, rows differ in length (naming the row), a
     *     class is out of range or the lengths disagree
     */
    public static Dataset of(float[][] features, int[] classes, int numClasses) {
        return of(matrix(features, "features"), classes, numClasses);
    }

    /**
     * A regression dataset: real-valued targets for a model with {@code Loss.MSE}, which the trainer
     * fits and {@code Evaluator} scores by mean squared and mean absolute error (no accuracy).
     *
     * @param features {@code [N, ...]} examples
     * @param targets  {@code [N, K]} targets of K values per example, or {@code [N]} for one value (taken as
     *                 {@code [N, 1]}); integer targets are converted to the features' floating-point type,
     *                 FLOAT for integer features
     * @return the dataset, with {@code numClasses() == 0} and no classes
     * @throws IllegalArgumentException if {@code targets} is not of rank 1 or 2, has no column, or its
     *     {@code N} differs from the features'
     */
    public static Dataset regression(INDArray features, INDArray targets) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(targets, "targets");
        if (targets.rank() != 1 && targets.rank() != 2) {
            throw new IllegalArgumentException("regression targets must be [N, K] or [N], found shape "
                    + Arrays.toString(targets.shape()));
        }
        INDArray t = targets.rank() == 1 ? targets.reshape(targets.length(), 1) : targets;
        if (!t.dataType().isFPType()) {
            t = t.castTo(features.dataType().isFPType() ? features.dataType() : DataType.FLOAT);
        }
        return new Dataset(features, t, new int[0], 0);
    }

    /**
     * A regression dataset from rows of numbers (scikit-learn's {@code X, y}).
     *
     * @param features {@code [N][D]}: N examples of D features each
     * @param targets  {@code [N][K]}: K target values per example
     * @return features {@code [N, D]} and targets {@code [N, K]}, both FLOAT
     * @throws IllegalArgumentException if either has no rows, rows differ in length (naming the row), or
     *     the two differ in {@code N}
     */
    public static Dataset regression(float[][] features, float[][] targets) {
        return regression(matrix(features, "features"), matrix(targets, "targets"));
    }

    /**
     * A regression dataset with one target value per example.
     *
     * @param features {@code [N][D]}: N examples of D features each
     * @param targets  {@code [N]}: the target of each example
     * @return features {@code [N, D]} and targets {@code [N, 1]}, both FLOAT
     * @throws IllegalArgumentException if there are no rows, rows differ in length, or the lengths differ
     */
    public static Dataset regression(float[][] features, float[] targets) {
        Objects.requireNonNull(targets, "targets");
        return regression(matrix(features, "features"), Nd4j.createFromArray(targets).reshape(targets.length, 1));
    }

    /** {@code rows} as an {@code [N, D]} FLOAT matrix, after checking that it is one. */
    private static INDArray matrix(float[][] rows, String what) {
        Objects.requireNonNull(rows, what);
        if (rows.length == 0 || rows[0].length == 0) {
            throw new IllegalArgumentException(what + " must have at least one row and one column");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != rows[0].length) {
                throw new IllegalArgumentException(what + " row " + i + " has " + rows[i].length
                        + " values but row 0 has " + rows[0].length);
            }
        }
        return Nd4j.createFromArray(rows);
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

    /** {@return whether the labels are real-valued regression targets ({@code numClasses() == 0}, no classes)} */
    public boolean isRegression() {
        return numClasses == 0;
    }

    /**
     * This dataset with named classes, e.g. for a CSV column or a folder per class.
     *
     * @param names the name of each class, {@code numClasses()} of them, class {@code c} at index {@code c}
     * @return a dataset sharing this one's arrays
     * @throws IllegalArgumentException if the count differs from {@code numClasses()} (regression: 0)
     */
    public Dataset withClassNames(List<String> names) {
        if (names.size() != numClasses) {
            throw new IllegalArgumentException("expected " + numClasses + " class names, found " + names.size()
                    + " " + names);
        }
        return new Dataset(features, labels, classes, numClasses, names);
    }

    /** {@return whether the labels are one class per position ({@code [N, T]} ids) rather than one per example} */
    public boolean perPosition() {
        return labels.dataType().isIntType();
    }

    /** {@return class labels per example: {@code T} for one class per position, 0 for regression, else 1} */
    public int labelsPerExample() {
        return perPosition() ? (int) labels.size(1) : isRegression() ? 0 : 1;
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
                Arrays.copyOfRange(classes, from * t, to * t), numClasses, classNames);
    }

    /**
     * The examples in a random order: the Fisher-Yates permutation drawn from
     * {@code new java.util.Random(seed)}, as {@link Batches} draws its epochs. The same seed gives the
     * same order.
     *
     * @param seed the seed of the permutation
     * @return a copy with rows permuted (features, labels and classes together)
     */
    public Dataset shuffle(long seed) {
        return size() == 0 ? this : select(Batches.permutation(size(), seed));
    }

    /**
     * A training and a validation part of this dataset after shuffling it with {@code seed}
     * ({@link #shuffle(long)}): the validation part holds {@code ceil(validationFraction * N)} examples,
     * as scikit-learn's {@code train_test_split(test_size=...)} rounds, and the training part the rest.
     * Every example is in exactly one part.
     *
     * @param validationFraction the share of examples held out, strictly between 0 and 1 (e.g. 0.2)
     * @param seed               the seed of the shuffle
     * @return the two parts, copies of the data
     * @throws IllegalArgumentException if the fraction is not in (0, 1) or a part would be empty
     */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be between 0 and 1 (exclusive), found "
                    + validationFraction);
        }
        int n = size();
        int validation = (int) Math.ceil(validationFraction * n);
        if (validation >= n) {
            throw new IllegalArgumentException("a validation fraction of " + validationFraction + " of " + n
                    + " examples leaves none for training; use a smaller fraction or more data");
        }
        int[] order = Batches.permutation(n, seed);
        return new Split(select(Arrays.copyOfRange(order, 0, n - validation)),
                select(Arrays.copyOfRange(order, n - validation, n)));
    }

    /**
     * The two parts of {@link #split}.
     *
     * @param train      the examples to train on (and to fit {@link Normalization} on)
     * @param validation the held-out examples, to evaluate on after every epoch
     */
    public record Split(Dataset train, Dataset validation) {}

    /**
     * A copy of examples {@code rows}, in that order.
     *
     * @param rows example indices, each in {@code [0, N)}, at least one
     */
    Dataset select(int[] rows) {
        int t = labelsPerExample();
        int[] picked = new int[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(classes, rows[i] * t, picked, i * t, t);
        }
        return new Dataset(gather(features, rows), gather(labels, rows), picked, numClasses, classNames);
    }

    /** A copy of rows {@code rows} along axis 0 of {@code array}. */
    private static INDArray gather(INDArray array, int[] rows) {
        long[] shape = array.shape().clone(); // shape() may be the array's own: never write to it
        // pullRows gathers rows of a matrix: view [N, ...] as [N, D].
        INDArray flat = array.dup('c').reshape('c', shape[0], array.length() / shape[0]);
        INDArray out = Nd4j.create(array.dataType(), new long[] {rows.length, flat.size(1)}, 'c');
        Nd4j.pullRows(flat, out, 1, rows);
        shape[0] = rows.length;
        return out.reshape('c', shape);
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
                && classNames.equals(that.classNames)
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
        if (isRegression()) {
            return "Dataset[N=" + size() + ", regression targets " + Arrays.toString(labels.shape()) + ", features "
                    + Arrays.toString(features.shape()) + " " + features.dataType() + "]";
        }
        return "Dataset[N=" + size() + ", K=" + numClasses + (perPosition() ? ", T=" + labelsPerExample()
                + " labels per example" : "") + ", features " + Arrays.toString(features.shape()) + " "
                + features.dataType() + "]";
    }
}
