package dev.lamina.runtime.data;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny PNG folders written by each test: classes from sub-folders, pixel values, and bad files. */
class ImageFolderTest {
    @TempDir
    Path root;

    /** A 3 wide, 2 high greyscale PNG whose pixel (x, y) is {@code base + 10 x + y}. */
    private Path grey(String classFolder, String name, int base) throws IOException {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                image.getRaster().setSample(x, y, 0, base + 10 * x + y);
            }
        }
        return write(image, classFolder, name);
    }

    private Path write(BufferedImage image, String classFolder, String name) throws IOException {
        Path folder = Files.createDirectories(root.resolve(classFolder));
        Path file = folder.resolve(name);
        assertThat(ImageIO.write(image, "png", file.toFile())).isTrue();
        return file;
    }

    @Test
    void classesAreSortedSubFoldersAndPixelsAreScaledTo01() throws IOException {
        grey("zebra", "b.png", 100);
        grey("zebra", "a.png", 50);
        grey("ant", "only.PNG", 0);
        Files.writeString(root.resolve("ant").resolve("notes.txt"), "not an image");
        Files.writeString(root.resolve("ant").resolve(".hidden.png"), "skipped");
        Files.writeString(root.resolve("README.md"), "files in the root are skipped");

        Dataset data = ImageFolder.load(root, 1, 2, 3);

        assertThat(data.classNames()).containsExactly("ant", "zebra").inOrder();
        assertThat(data.classes()).isEqualTo(new int[] {0, 1, 1});
        assertThat(data.features().shape()).isEqualTo(new long[] {3, 1, 2, 3});
        // Example 1 is zebra/a.png (files in name order): pixel (x=2, y=1) = 50 + 20 + 1.
        assertThat(data.features().getDouble(1, 0, 1, 2)).isWithin(1e-7).of(71 / 255.0);
        assertThat(data.features().getDouble(2, 0, 0, 0)).isWithin(1e-7).of(100 / 255.0);
        assertThat(data.labels().getDouble(2, 1)).isEqualTo(1.0);
    }

    @Test
    void rgbImagesAsThreeChannelsOrAsLuma() throws IOException {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, (200 << 16) | (100 << 8) | 50);
        image.setRGB(1, 0, 0xFFFFFF);
        write(image, "colour", "c.png");
        grey("grey", "g.png", 7);

        Dataset rgb = ImageFolder.load(root, 3, 2, 3);
        Dataset luma = ImageFolder.load(root, 1, 2, 3);

        assertThat(rgb.features().getDouble(0, 0, 0, 0)).isWithin(1e-7).of(200 / 255.0);
        assertThat(rgb.features().getDouble(0, 1, 0, 0)).isWithin(1e-7).of(100 / 255.0);
        assertThat(rgb.features().getDouble(0, 2, 0, 0)).isWithin(1e-7).of(50 / 255.0);
        assertThat(rgb.features().getDouble(0, 2, 0, 1)).isWithin(1e-7).of(1.0);
        // A grey image read as RGB repeats its value in the three channels.
        for (int c = 0; c < 3; c++) {
            assertThat(rgb.features().getDouble(1, c, 0, 1)).isWithin(1e-7).of(17 / 255.0);
        }
        assertThat(luma.features().getDouble(0, 0, 0, 0)).isWithin(1e-6)
                .of((0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255);
    }

    @Test
    void aFileOfTheWrongSizeOrNotAnImageIsNamed() throws IOException {
        grey("a", "1.png", 0);
        Path wide = write(new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY), "b", "wide.png");

        DataFileException size = assertThrows(DataFileException.class, () -> ImageFolder.load(root, 1, 2, 3));
        assertThat(size.file()).isEqualTo(wide);
        assertThat(size).hasMessageThat().contains("wrong image size: expected 3x2 (width x height), found 4x2");

        Files.delete(wide);
        Path broken = Files.writeString(root.resolve("b").resolve("broken.png"), "not a png");
        DataFileException unreadable = assertThrows(DataFileException.class, () -> ImageFolder.load(root, 1, 2, 3));
        assertThat(unreadable.file()).isEqualTo(broken);
        assertThat(unreadable).hasMessageThat().startsWith(broken + ": ");
    }

    @Test
    void foldersWithoutClassesOrImagesAreRejected() throws IOException {
        DataFileException none = assertThrows(DataFileException.class, () -> ImageFolder.load(root, 1, 2, 3));
        assertThat(none).hasMessageThat().contains("no sub-folders");

        grey("a", "1.png", 0);
        Path empty = Files.createDirectories(root.resolve("b"));
        DataFileException emptyClass = assertThrows(DataFileException.class, () -> ImageFolder.load(root, 1, 2, 3));
        assertThat(emptyClass.file()).isEqualTo(empty);

        assertThat(assertThrows(DataFileException.class, () -> ImageFolder.load(root.resolve("x"), 1, 2, 3)))
                .hasMessageThat().contains("not a folder");
        assertThat(assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(root, 2, 2, 3)))
                .hasMessageThat().contains("1 (greyscale) or 3 (RGB)");
    }
}
