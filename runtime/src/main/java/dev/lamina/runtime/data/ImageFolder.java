package dev.lamina.runtime.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads labelled images from a folder with one sub-folder per class, as torchvision's
 * {@code ImageFolder} and Keras' {@code image_dataset_from_directory} do:
 * <pre>
 * digits/
 *   cat/ 001.png 002.png ...
 *   dog/ 001.jpg ...
 * </pre>
 * The classes are the sub-folder names sorted as text ({@link String#compareTo}), class {@code c} being
 * the {@code c}-th name, and {@link Dataset#classNames()} holds them. Within a class, files are read in
 * name order. Files ending in {@code .png}, {@code .jpg} or {@code .jpeg} (any case) are read with
 * {@code javax.imageio}; other files, hidden files (names starting with {@code .}) and files directly in
 * the root folder are skipped.
 *
 * <p>Every image must already have the requested size (there is no resizing). Pixels become FLOAT
 * values in [0, 1] (the stored value over its maximum, 255 for 8-bit samples); colour images read as
 * one channel become their luma {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, as Pillow's
 * {@code convert("L")}), grey images read as three channels repeat their grey value, and alpha is dropped.
 */
public final class ImageFolder {
    private ImageFolder() {}

    /**
     * Reads every image under {@code root} into a classification dataset.
     *
     * @param root     a folder with one sub-folder per class
     * @param channels 1 (greyscale) or 3 (RGB)
     * @param height   the height {@code H} of every image, in pixels
     * @param width    the width {@code W} of every image, in pixels
     * @return features {@code [N, C, H, W]} (NCHW) FLOAT in [0, 1], one-hot labels {@code [N, K]} for the
     *     {@code K} sub-folders, and their names as {@link Dataset#classNames()}
     * @throws DataFileException if {@code root} is not a folder or has no sub-folder, a sub-folder holds no
     *     image, or an image cannot be read or has another size than {@code width x height} (naming the file)
     * @throws IOException if a folder cannot be listed
     * @throws IllegalArgumentException if {@code channels} is not 1 or 3, or a size is below 1
     */
    public static Dataset load(Path root, int channels, int height, int width) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (greyscale) or 3 (RGB), found " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be at least 1x1, found " + width + "x" + height);
        }
        if (!Files.isDirectory(root)) {
            throw new DataFileException(root, "not a folder", "pass a folder with one sub-folder of images per"
                    + " class");
        }
        List<Path> classFolders = list(root, Files::isDirectory);
        if (classFolders.isEmpty()) {
            throw new DataFileException(root, "no sub-folders", "put the images of each class in a sub-folder"
                    + " named after the class, e.g. " + root.resolve("cat") + "/001.png");
        }
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        for (Path folder : classFolders) {
            List<Path> images = list(folder, ImageFolder::isImage);
            if (images.isEmpty()) {
                throw new DataFileException(folder, "no .png, .jpg or .jpeg files in this class folder",
                        "add its images or remove the folder");
            }
            for (Path image : images) {
                files.add(image);
                classes.add(names.size());
            }
            names.add(folder.getFileName().toString());
        }
        int pixels = height * width;
        float[] values = new float[Math.multiplyExact(files.size(), channels * pixels)];
        for (int i = 0; i < files.size(); i++) {
            read(files.get(i), channels, height, width, values, i * channels * pixels);
        }
        return Dataset.of(Nd4j.createFromArray(values).reshape('c', files.size(), channels, height, width),
                classes.stream().mapToInt(Integer::intValue).toArray(), names.size()).withClassNames(names);
    }

    /** Entries of {@code folder} that are not hidden and pass {@code filter}, sorted by name. */
    private static List<Path> list(Path folder, java.util.function.Predicate<Path> filter) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).filter(filter)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
    }

    /** Writes the image's {@code [C, H, W]} values at {@code offset} of {@code out}. */
    private static void read(Path file, int channels, int height, int width, float[] out, int offset)
            throws DataFileException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataFileException(file, "cannot be read as an image (" + e.getMessage() + ")",
                    "replace or remove the file; PNG and JPEG are supported", e);
        }
        if (image == null) {
            throw new DataFileException(file, "not an image that javax.imageio can read",
                    "convert it to PNG or JPEG, or remove it");
        }
        if (image.getWidth() != width || image.getHeight() != height) {
            throw new DataFileException(file, "wrong image size", width + "x" + height + " (width x height)",
                    image.getWidth() + "x" + image.getHeight(), "resize the images to " + width + "x" + height
                            + " first, or load with that size");
        }
        int pixels = height * width;
        Raster raster = image.getRaster();
        boolean grey = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        // Grey samples are read as stored: getRGB would convert the linear grey space to sRGB, changing them.
        double greyMax = grey ? (1 << image.getColorModel().getComponentSize(0)) - 1 : 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = offset + y * width + x;
                if (grey) {
                    float v = (float) (raster.getSample(x, y, 0) / greyMax);
                    for (int c = 0; c < channels; c++) {
                        out[at + c * pixels] = v;
                    }
                    continue;
                }
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (channels == 1) {
                    out[at] = (float) ((0.299 * r + 0.587 * g + 0.114 * b) / 255);
                } else {
                    out[at] = r / 255f;
                    out[at + pixels] = g / 255f;
                    out[at + 2 * pixels] = b / 255f;
                }
            }
        }
    }
}
