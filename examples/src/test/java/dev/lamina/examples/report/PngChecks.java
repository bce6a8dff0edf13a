package dev.lamina.examples.report;

import static com.google.common.truth.Truth.assertWithMessage;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Assertions that a chart PNG has the promised size and shows something. */
public final class PngChecks {
    private PngChecks() {}

    /**
     * Asserts that {@code file} is a PNG of {@code width} x {@code height} pixels that is not blank: at
     * least 2% of its pixels differ from the top-left (background) pixel, and both series colours of
     * {@link Charts} (blue for train, red for test) appear in at least 50 pixels each.
     */
    public static BufferedImage assertChart(Path file, int width, int height) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertWithMessage("%s is a readable PNG", file).that(image).isNotNull();
        assertWithMessage("width of %s", file).that(image.getWidth()).isEqualTo(width);
        assertWithMessage("height of %s", file).that(image.getHeight()).isEqualTo(height);
        int background = image.getRGB(0, 0);
        long differing = 0;
        long blue = 0;
        long red = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                if (rgb != (background & 0xFFFFFF)) {
                    differing++;
                }
                if (rgb == 0x1F77B4) {
                    blue++;
                } else if (rgb == 0xD62728) {
                    red++;
                }
            }
        }
        assertWithMessage("pixels of %s that differ from the background", file).that(differing)
                .isAtLeast((long) (0.02 * width * height));
        assertWithMessage("train-series (blue) pixels in %s", file).that(blue).isAtLeast(50L);
        assertWithMessage("test-series (red) pixels in %s", file).that(red).isAtLeast(50L);
        return image;
    }
}
