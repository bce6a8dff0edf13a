package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.optim.Sgd;
import dev.lamina.runtime.train.Evaluator;
import dev.lamina.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Data that does not fit: IDX files of the wrong image size for the model, empty files, batches of
 * the wrong shape. Each fails before any computation with a message that names the data and the
 * expected value. (Truncated, corrupt and mislabelled IDX files: {@link IdxReaderTest}, {@link MnistTest}.)
 */
class BadInputTest {
    @TempDir
    Path dir;

    /** A model for MNIST-shaped input whose passes must never run. */
    private static final class MnistShaped implements Model {
        @Override
        public INDArray forward(INDArray input, boolean training) {
            throw new AssertionError("no computation may happen on data that does not fit");
        }

        @Override
        public void backward(INDArray dOutput) {
            throw new AssertionError("no computation may happen on data that does not fit");
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }

        @Override
        public Map<String, INDArray> buffers() {
            return Map.of();
        }

        @Override
        public void seedDropout(long seed) {}

        @Override
        public Loss loss() {
            return Loss.SOFTMAX_CROSS_ENTROPY;
        }

        @Override
        public int[] inputShape() {
            return new int[] {1, 28, 28};
        }

        @Override
        public int[] outputShape() {
            return new int[] {10};
        }

        @Override
        public List<Layer> layers() {
            return List.of();
        }

        @Override
        public DataType dataType() {
            return DataType.FLOAT;
        }
    }

    private static Trainer trainer() {
        return Trainer.builder(new MnistShaped(), new Sgd(0.1)).batchSize(4)
                .out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .rewriteProgress(false).build();
    }

    private Dataset split(String name, int count, int rows, int cols) throws Exception {
        Path images = IdxFiles.write(dir.resolve(name + "-images"), IdxFiles.images(count, rows, cols));
        Path labels = IdxFiles.write(dir.resolve(name + "-labels"), IdxFiles.labels(count));
        return Mnist.loadSplit(images, labels);
    }

    @Test
    void imagesOfTheWrongSizeForTheModelNameBothShapes() throws Exception {
        Dataset small = split("small", 12, 8, 8);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer().fit(small, small));

        assertThat(e).hasMessageThat().isEqualTo("training data has examples of shape [1, 8, 8] but the model takes"
                + " [1, 28, 28] (features are [12, 1, 8, 8])");
    }

    @Test
    void emptyIdxFileIsRejectedNamingTheFile() {
        DataFileException e = assertThrows(DataFileException.class, () -> split("empty", 0, 28, 28));

        assertThat(e.file()).isEqualTo(dir.resolve("empty-images"));
        assertThat(e).hasMessageThat().isEqualTo(dir.resolve("empty-images") + ": the file holds no images: expected"
                + " at least 1 image, found 0 images. Fix: use an images file with examples in it");
    }

    @Test
    void emptyDatasetsAreRejectedByTrainingAndEvaluation() throws Exception {
        Dataset empty = split("some", 3, 28, 28).slice(0, 0);
        Dataset one = split("one", 1, 28, 28);

        IllegalArgumentException train = assertThrows(IllegalArgumentException.class, () -> trainer().fit(empty, one));
        IllegalArgumentException test = assertThrows(IllegalArgumentException.class, () -> trainer().fit(one, empty));
        IllegalArgumentException evaluate = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.evaluate(new MnistShaped(), empty, 10));
        IllegalArgumentException batches = assertThrows(IllegalArgumentException.class, () -> new Batches(empty, 4, 0));

        assertThat(train).hasMessageThat().isEqualTo("the training set is empty");
        assertThat(test).hasMessageThat().isEqualTo("the test set is empty");
        assertThat(evaluate).hasMessageThat().isEqualTo("cannot evaluate on an empty dataset");
        assertThat(batches).hasMessageThat().isEqualTo("cannot batch an empty dataset");
    }

    @Test
    void labelsOfAnotherClassCountNameBothWidths() {
        Dataset threeClasses = Dataset.of(Nd4j.zeros(DataType.FLOAT, 4, 1, 28, 28), new int[] {0, 1, 2, 0}, 3);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer().fit(threeClasses, threeClasses));

        assertThat(e).hasMessageThat().isEqualTo("training data has 3 classes but the model outputs [10]");
    }

    @Test
    void batchSizeMismatchBetweenOutputAndTargetsNamesBothShapes() {
        IllegalArgumentException features = assertThrows(IllegalArgumentException.class,
                () -> new Dataset(Nd4j.zeros(DataType.FLOAT, 5, 4), Nd4j.zeros(DataType.FLOAT, 4, 3), new int[4]));
        IllegalArgumentException loss = assertThrows(IllegalArgumentException.class,
                () -> LossFunction.of(Loss.MSE).loss(Nd4j.zeros(DataType.FLOAT, 8, 3), Nd4j.zeros(DataType.FLOAT, 6, 3)));

        assertThat(features).hasMessageThat().contains("features [5, 4], labels [4, 3]");
        assertThat(loss).hasMessageThat().contains("output shape [8, 3] and target shape [6, 3] differ");
    }
}
