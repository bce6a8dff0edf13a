package dev.lamina.examples.images;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.examples.testing.MnistCopy;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Mnist;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG digits in and out of MNIST's form: polarity, colour, transparency, padding and resizing. */
class DigitImagesTest {
    private static float[] randomLevels(long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextInt(256) / 255f;
        }
        return pixels;
    }

    @Test
    void grayPngRoundTripsExactly(@TempDir Path dir) throws IOException {
        float[] pixels = randomLevels(1);
        DigitImages.writePng(pixels, dir.resolve("d.png"));
        assertThat(DigitImages.read(dir.resolve("d.png"), false)).isEqualTo(pixels);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("d.png"); // no temporary
        }
        float[] inverted = DigitImages.read(dir.resolve("d.png"), true);
        for (int i = 0; i < pixels.length; i++) {
            assertThat(inverted[i]).isWithin(1e-6f).of(1 - pixels[i]);
        }
    }

    @Test
    void mnistTestImagesRoundTripWithTheirPolarity(@TempDir Path dir) throws IOException {
        Dataset test = Mnist.loadTest(MnistCopy.require());
        for (int i = 0; i < 3; i++) {
            float[] pixels = test.features().slice(i).dup('c').data().asFloat();
            Path file = dir.resolve(i + ".png");
            DigitImages.writePng(pixels, file);
            float[] read = DigitImages.read(file, false);
            assertThat(read).isEqualTo(pixels);
            // MNIST is a white digit on black: the border is background, black.
            assertThat(DigitImages.looksLikeDarkOnLight(read)).isFalse();
        }
    }

    @Test
    void inkOnPaperNeedsInvertAndIsRecognisedAsSuch(@TempDir Path dir) throws IOException {
        BufferedImage paper = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                paper.setRGB(x, y, x >= 12 && x < 16 && y >= 4 && y < 24 ? 0x000000 : 0xFFFFFF);
            }
        }
        ImageIO.write(paper, "png", dir.resolve("one.png").toFile());
        float[] raw = DigitImages.read(dir.resolve("one.png"), false);
        assertThat(DigitImages.looksLikeDarkOnLight(raw)).isTrue();
        float[] inverted = DigitImages.read(dir.resolve("one.png"), true);
        assertThat(DigitImages.looksLikeDarkOnLight(inverted)).isFalse();
        assertThat(inverted[10 * 28 + 13]).isEqualTo(1f); // the stroke is white
        assertThat(inverted[0]).isEqualTo(0f);
    }

    @Test
    void colourIsLuminanceAndTransparencyIsBackground() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, new Color(255, 0, 0, 255).getRGB());
        image.setRGB(1, 0, new Color(0, 255, 0, 255).getRGB());
        image.setRGB(2, 0, new Color(255, 255, 255, 0).getRGB()); // transparent white
        image.setRGB(3, 0, new Color(255, 255, 255, 51).getRGB()); // 20% opaque white
        float[] pixels = DigitImages.toMnist(image, false);
        assertThat(pixels[0]).isWithin(1e-6f).of(0.299f);
        assertThat(pixels[1]).isWithin(1e-6f).of(0.587f);
        assertThat(pixels[2]).isEqualTo(0f);
        assertThat(pixels[3]).isWithin(1e-6f).of(0.2f);
        // With --invert transparent pixels are paper: white, then inverted to MNIST's black.
        assertThat(DigitImages.toMnist(image, true)[2]).isEqualTo(0f);
    }

    @Test
    void largerImagesAreAveragedDownAndNonSquareOnesPadded() {
        // 56 x 56 of 2 x 2 blocks: each target pixel is the mean of its block.
        BufferedImage big = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                big.getRaster().setSample(x, y, 0, ((x / 2) + (y / 2)) % 2 == 0 ? (x % 2 == 0 ? 255 : 51) : 0);
            }
        }
        float[] small = DigitImages.toMnist(big, false);
        assertThat(small[0]).isWithin(1e-6f).of(0.6f); // (1 + 0.2 + 1 + 0.2) / 4
        assertThat(small[1]).isEqualTo(0f);

        // 28 wide, 14 high, all white: padded to 28 x 28 with black rows above and below.
        BufferedImage wide = new BufferedImage(28, 14, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 14; y++) {
            for (int x = 0; x < 28; x++) {
                wide.getRaster().setSample(x, y, 0, 255);
            }
        }
        float[] padded = DigitImages.toMnist(wide, false);
        assertThat(padded[6 * 28 + 5]).isEqualTo(0f);
        assertThat(padded[7 * 28 + 5]).isEqualTo(1f);
        assertThat(padded[20 * 28 + 5]).isEqualTo(1f);
        assertThat(padded[21 * 28 + 5]).isEqualTo(0f);
    }

    @Test
    void unreadableFilesNameTheFile(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        IOException e = assertThrows(IOException.class, () -> DigitImages.read(text, false));
        assertThat(e).hasMessageThat().contains("notes.png: not an image that Java can read");
        assertThrows(IllegalArgumentException.class, () -> DigitImages.writePng(new float[3], dir.resolve("x.png")));
    }
}
