package dev.lamina.runtime.data;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The MNIST handwritten digits (LeCun, Cortes and Burges, http://yann.lecun.com/exdb/mnist/): 60,000
 * training and 10,000 test images of 28x28 grey pixels, classes 0-9.
 *
 * @param train features {@code [60000, 1, 28, 28]} (NCHW), FLOAT in [0, 1] (pixel / 255); labels one-hot {@code [60000, 10]}
 * @param test  features {@code [10000, 1, 28, 28]}, labels {@code [10000, 10]}
 */
public record Mnist(Dataset train, Dataset test) {
    /** Name of the training images file (60,000 images of 28x28 pixels), without {@code .gz}. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** Name of the training labels file (60,000 digits), without {@code .gz}. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** Name of the test images file (10,000 images of 28x28 pixels), without {@code .gz}. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** Name of the test labels file (10,000 digits), without {@code .gz}. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The four files, by their original names without {@code .gz}. */
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    /** The ten digits 0-9. */
    public static final int NUM_CLASSES = 10;

    /**
     * Locates MNIST with a default {@link MnistFetcher} (LAMINA_MNIST_DIR, else the cache, downloading
     * it if needed), verifies the checksums and loads it.
     *
     * @return the training and test splits
     * @throws IOException ({@link DataFileException}, {@link MnistFetcher.DownloadException}) with a
     *     message that names the fix
     */
    public static Mnist load() throws IOException {
        return load(new MnistFetcher().locate());
    }

    /**
     * Loads the four IDX files from {@code dir}, each either raw ({@code train-images-idx3-ubyte}) or
     * gzipped ({@code train-images-idx3-ubyte.gz}); a raw file wins when both exist. Checks the format
     * (magic numbers, sizes, label range, matching counts) but not checksums: use {@link MnistFetcher#locate()}
     * for that.
     *
     * @param dir the directory holding the four files
     * @return the training and test splits
     * @throws DataFileException if a file is missing, malformed, or images and labels disagree
     */
    public static Mnist load(Path dir) throws IOException {
        return new Mnist(
                loadSplit(require(dir, TRAIN_IMAGES), require(dir, TRAIN_LABELS)),
                loadSplit(require(dir, TEST_IMAGES), require(dir, TEST_LABELS)));
    }

    /**
     * Loads only the test split ({@code t10k-*}, raw or gzipped) from {@code dir}, for evaluation
     * without the cost of the 60,000 training images.
     *
     * @param dir directory holding {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}
     * @return features {@code [N, 1, 28, 28]} FLOAT in [0, 1], one-hot labels {@code [N, 10]}
     * @throws DataFileException if a file is missing or malformed, or images and labels disagree
     */
    public static Dataset loadTest(Path dir) throws IOException {
        return loadSplit(require(dir, TEST_IMAGES), require(dir, TEST_LABELS));
    }

    /**
     * One split from an images file {@code [N, rows, cols]} and a labels file {@code [N]}.
     *
     * @param imagesFile IDX images, raw or gzipped
     * @param labelsFile IDX labels, raw or gzipped
     * @return features {@code [N, 1, rows, cols]} FLOAT in [0, 1], one-hot labels {@code [N, 10]}
     * @throws DataFileException if a file is malformed or holds no images, the counts differ or a label is
     *     outside 0-9
     */
    public static Dataset loadSplit(Path imagesFile, Path labelsFile) throws IOException {
        IdxReader.IdxArray images = IdxReader.readImages(imagesFile);
        IdxReader.IdxArray labels = IdxReader.readLabels(labelsFile);
        if (images.count() == 0) {
            // ND4J cannot hold an empty feature array, and nothing can be trained or evaluated on it.
            throw new DataFileException(imagesFile, "the file holds no images", "at least 1 image", "0 images",
                    "use an images file with examples in it");
        }
        if (images.count() != labels.count()) {
            throw new DataFileException(labelsFile, "label count differs from the image count of " + imagesFile,
                    images.count() + " labels", labels.count() + " labels",
                    "use the labels file that belongs to " + imagesFile.getFileName());
        }
        byte[] labelBytes = labels.data();
        int[] classes = new int[labelBytes.length];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labelBytes[i] & 0xff;
            if (classes[i] >= NUM_CLASSES) {
                throw new DataFileException(labelsFile, "label of example " + i + " is not a digit",
                        "0 .. " + (NUM_CLASSES - 1), Integer.toString(classes[i]),
                        "replace it with an intact MNIST labels file");
            }
        }
        int[] dims = images.dims();
        INDArray features = scaledPixels(images.data(), dims[0], 1, dims[1], dims[2]);
        return Dataset.of(features, classes, NUM_CLASSES);
    }

    /** Unsigned bytes to a FLOAT array of {@code shape} holding {@code byte / 255}, written straight off-heap. */
    static INDArray scaledPixels(byte[] pixels, long... shape) {
        INDArray features = Nd4j.create(DataType.FLOAT, shape, 'c');
        FloatBuffer out = features.data().asNioFloat();
        for (int i = 0; i < pixels.length; i++) {
            out.put(i, (pixels[i] & 0xff) / 255f);
        }
        return features;
    }

    /** The raw file {@code dir/name} if it exists, else {@code dir/name.gz} if that exists, else null. */
    static Path find(Path dir, String name) {
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static Path require(Path dir, String name) throws DataFileException {
        Path file = find(dir, name);
        if (file == null) {
            throw new DataFileException(dir.resolve(name), "MNIST file not found (neither " + name + " nor "
                    + name + ".gz is in " + dir + ")", "put the four MNIST IDX files (raw or .gz) in " + dir
                    + ", or let MnistFetcher download them (unset LAMINA_MNIST_DIR)");
        }
        return file;
    }
}
