package dev.lamina.examples.images;

import dev.lamina.runtime.io.AtomicFiles;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Digit images in and out of MNIST's form: 28 x 28 grayscale pixels in [0, 1], row-major, with
 * MNIST's polarity, a <b>white digit (1.0) on a black background (0.0)</b>.
 *
 * <p>{@link #read} accepts any image that {@code javax.imageio} reads (PNG above all): colour is
 * converted to luminance (ITU-R BT.601 weights 0.299, 0.587, 0.114); transparent pixels count as
 * background; a non-square image is padded to a square with background, centred; then it is resized
 * to 28 x 28 by averaging the source area under each target pixel. A dark digit on a light background
 * (ink on paper) needs {@code invert}. For the best results the digit should fill about the central
 * 20 x 20 pixels of the square, as in MNIST.
 */
public final class DigitImages {
    /** Width and height of an MNIST image. */
    public static final int SIZE = 28;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private DigitImages() {}

    /**
     * Reads {@code file} as an MNIST-style digit.
     *
     * @param invert true for a dark digit on a light background: pixel values become {@code 1 - v}
     * @return {@code SIZE * SIZE} values in [0, 1], row-major: {@code [H, W]} of one {@code [1, 28, 28]} example
     * @throws IOException if the file cannot be read or is not an image ImageIO understands
     */
    public static float[] read(Path file, boolean invert) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable image (" + e.getMessage() + ")", e);
        }
        if (image == null) {
            throw new IOException(file + ": not an image that Java can read (use PNG)");
        }
        return toMnist(image, invert);
    }

    /** {@link #read}'s conversion of a decoded image. */
    public static float[] toMnist(BufferedImage image, boolean invert) {
        int w = image.getWidth();
        int h = image.getHeight();
        // Transparent pixels blend into the background: black for MNIST polarity, white for ink on paper.
        float background = invert ? 1f : 0f;
        float[] gray = luminance(image, background);
        int side = Math.max(w, h);
        float[] square = new float[side * side];
        java.util.Arrays.fill(square, background);
        int left = (side - w) / 2;
        int top = (side - h) / 2;
        for (int y = 0; y < h; y++) {
            System.arraycopy(gray, y * w, square, (top + y) * side + left, w);
        }
        float[] pixels = side == SIZE ? square : resize(square, side, SIZE);
        if (invert) {
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = 1f - pixels[i];
            }
        }
        return pixels;
    }

    /**
     * Whether {@code pixels} (28 x 28, as {@link #read} returns them) look like a dark digit on a light
     * background: the mean of the outermost ring of pixels is above 0.5. MNIST's background is black.
     */
    public static boolean looksLikeDarkOnLight(float[] pixels) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < SIZE; i++) {
            sum += pixels[i] + pixels[(SIZE - 1) * SIZE + i] + pixels[i * SIZE] + pixels[i * SIZE + SIZE - 1];
            n += 4;
        }
        return sum / n > 0.5;
    }

    /**
     * Writes 28 x 28 values in [0, 1] as an 8-bit grayscale PNG (value 1.0 is white), creating the
     * parent directory and replacing the file atomically ({@link AtomicFiles}). {@link #read} without
     * {@code invert} gives back the values rounded to k/255.
     *
     * @throws IllegalArgumentException if {@code pixels} does not hold {@code SIZE * SIZE} values
     * @throws IOException              if the file cannot be written; it then keeps its previous content
     */
    public static void writePng(float[] pixels, Path file) throws IOException {
        if (pixels.length != SIZE * SIZE) {
            throw new IllegalArgumentException("expected " + SIZE * SIZE + " pixels, found " + pixels.length);
        }
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                float v = Math.max(0f, Math.min(1f, pixels[y * SIZE + x]));
                image.getRaster().setSample(x, y, 0, Math.round(v * 255));
            }
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException(file + ": no PNG writer available");
            }
        });
    }

    /**
     * Gray values in [0, 1], row-major, alpha-blended over {@code background}. Gray images are read from
     * the raster directly: their sample values are the gray levels, while {@code getRGB} would pass them
     * through a colour-space conversion.
     */
    private static float[] luminance(BufferedImage image, float background) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[w * h];
        ColorModel cm = image.getColorModel();
        boolean gray = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1;
        Raster raster = image.getRaster();
        float grayMax = gray ? (1 << cm.getComponentSize(0)) - 1 : 255f;
        float alphaMax = gray && cm.hasAlpha() ? (1 << cm.getComponentSize(1)) - 1 : 255f;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float value;
                float alpha;
                if (gray) {
                    value = raster.getSample(x, y, 0) / grayMax;
                    alpha = cm.hasAlpha() ? raster.getSample(x, y, 1) / alphaMax : 1f;
                } else {
                    int argb = image.getRGB(x, y);
                    int r = (argb >> 16) & 0xff;
                    int g = (argb >> 8) & 0xff;
                    int b = argb & 0xff;
                    value = (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
                    alpha = cm.hasAlpha() ? (argb >>> 24) / 255f : 1f;
                }
                out[y * w + x] = alpha * value + (1 - alpha) * background;
            }
        }
        return out;
    }

    /**
     * Resizes a square image of side {@code from} to side {@code to}: each target pixel is the mean of
     * the source area it covers, partial source pixels weighted by their covered fraction.
     */
    static float[] resize(float[] src, int from, int to) {
        float[] out = new float[to * to];
        double scale = (double) from / to;
        for (int ty = 0; ty < to; ty++) {
            double y0 = ty * scale;
            double y1 = y0 + scale;
            for (int tx = 0; tx < to; tx++) {
                double x0 = tx * scale;
                double x1 = x0 + scale;
                double sum = 0;
                double weight = 0;
                for (int sy = (int) Math.floor(y0); sy < Math.min(from, Math.ceil(y1)); sy++) {
                    double wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
                    for (int sx = (int) Math.floor(x0); sx < Math.min(from, Math.ceil(x1)); sx++) {
                        double wx = Math.min(x1, sx + 1) - Math.max(x0, sx);
                        sum += wx * wy * src[sy * from + sx];
                        weight += wx * wy;
                    }
                }
                out[ty * to + tx] = (float) (sum / weight);
            }
        }
        return out;
    }
}
