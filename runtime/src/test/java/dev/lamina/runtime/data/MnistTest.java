package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.data.IdxFiles.images;
import static dev.lamina.runtime.data.IdxFiles.labels;
import static dev.lamina.runtime.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class MnistTest {
    @TempDir
    Path dir;

    @Test
    void loadsTinyRawAndGzippedFiles() throws Exception {
        IdxFiles.writeTinyMnist(dir.resolve("raw"), 6, 3, false);
        IdxFiles.writeTinyMnist(dir.resolve("gz"), 6, 3, true);

        for (Path source : new Path[] {dir.resolve("raw"), dir.resolve("gz")}) {
            Mnist mnist = Mnist.load(source);

            Dataset train = mnist.train();
            assertThat(train.features().shape()).asList().containsExactly(6L, 1L, 4L, 3L).inOrder();
            assertThat(train.features().dataType()).isEqualTo(DataType.FLOAT);
            assertThat(train.labels().shape()).asList().containsExactly(6L, 10L).inOrder();
            assertThat(mnist.test().size()).isEqualTo(3);
            // Pixel j of image i is (7 i + j) mod 256, scaled by 1/255.
            assertThat(train.features().getDouble(2, 0, 1, 2)).isWithin(1e-7).of((7 * 2 + 5) / 255.0);
            assertThat(train.features().getDouble(5, 0, 3, 2)).isWithin(1e-7).of((7 * 5 + 11) / 255.0);
            for (int i = 0; i < 6; i++) {
                assertThat(train.classOf(i)).isEqualTo(i % 10);
                assertThat(train.labels().getDouble(i, i % 10)).isEqualTo(1.0);
                assertThat(train.labels().getRow(i).sumNumber().doubleValue()).isEqualTo(1.0);
            }
        }
    }

    @Test
    void fullByteRangeScalesToUnitInterval() throws Exception {
        byte[] pixels = new byte[256];
        for (int i = 0; i < 256; i++) {
            pixels[i] = (byte) i;
        }
        Path images = write(dir.resolve("i"), IdxFiles.idx(IdxReader.IMAGES_MAGIC, new int[] {1, 16, 16}, pixels));
        Path labels = write(dir.resolve("l"), labels(1));

        Dataset data = Mnist.loadSplit(images, labels);

        assertThat(data.features().minNumber().doubleValue()).isEqualTo(0.0);
        assertThat(data.features().maxNumber().doubleValue()).isEqualTo(1.0);
        assertThat(data.features().getDouble(0, 0, 8, 0)).isWithin(1e-7).of(128 / 255.0);
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFiles() {
        Path images = write(dir.resolve("imgs"), images(3, 4, 3));
        Path labels = write(dir.resolve("lbls"), labels(4));

        DataFileException e = assertThrows(DataFileException.class, () -> Mnist.loadSplit(images, labels));

        assertThat(e.file()).isEqualTo(labels);
        assertThat(e).hasMessageThat().contains(images.toString());
        assertThat(e).hasMessageThat().contains("expected 3 labels, found 4 labels");
    }

    @Test
    void labelOutsideTheDigitsIsRejected() {
        Path images = write(dir.resolve("imgs"), images(2, 4, 3));
        Path labels = write(dir.resolve("lbls"), IdxFiles.idx(IdxReader.LABELS_MAGIC, new int[] {2}, new byte[] {3, 10}));

        DataFileException e = assertThrows(DataFileException.class, () -> Mnist.loadSplit(images, labels));

        assertThat(e).hasMessageThat().contains("label of example 1");
        assertThat(e).hasMessageThat().contains("found 10");
    }

    @Test
    void missingFileNamesItAndTheFix() throws Exception {
        IdxFiles.writeTinyMnist(dir, 2, 2, false);
        Files.delete(dir.resolve(Mnist.TEST_LABELS));

        DataFileException e = assertThrows(DataFileException.class, () -> Mnist.load(dir));

        assertThat(e).hasMessageThat().contains(Mnist.TEST_LABELS + ".gz");
        assertThat(e).hasMessageThat().contains("Fix:");
    }

    /** The real data, verified against the hard-coded checksums; runs where ../shared/data/mnist exists. */
    @Test
    void realMnistFromTheSharedDirectory() throws Exception {
        String shared = System.getProperty("lamina.sharedData");
        assumeTrue(shared != null && Files.isDirectory(Path.of(shared)), "no shared MNIST copy at " + shared);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        MnistFetcher fetcher = new MnistFetcher(Path.of(shared), dir.resolve("unused-cache"), name -> null,
                "npm-must-not-run", new PrintStream(log), MnistFetcher.MNIST_SHA256);

        Mnist mnist = Mnist.load(fetcher.locate());

        assertThat(mnist.train().features().shape()).asList().containsExactly(60000L, 1L, 28L, 28L).inOrder();
        assertThat(mnist.test().features().shape()).asList().containsExactly(10000L, 1L, 28L, 28L).inOrder();
        assertThat(mnist.train().labels().sumNumber().doubleValue()).isEqualTo(60000.0);
        assertThat(mnist.test().features().maxNumber().doubleValue()).isEqualTo(1.0);
        int[] perClass = new int[10];
        for (int c : mnist.train().classes()) {
            perClass[c]++;
        }
        for (int count : perClass) {
            assertThat(count).isAtLeast(5000);
            assertThat(count).isAtMost(7000);
        }
        assertThat(Files.exists(dir.resolve("unused-cache"))).isFalse();
        assertThat(log.toString()).isEmpty();
    }
}
