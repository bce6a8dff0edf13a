package dev.lamina.examples.cli;

import dev.lamina.examples.images.DigitImages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Classifies PNG digit images with a checkpoint written by {@code train}. */
@Command(name = "predict", 
        header = "Classify your own images of digits with a checkpoint.",
        mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Classify your own images of handwritten digits with a checkpoint written",
                "by `train`: prints per file the predicted digit and its probability (the",
                "softmax of the network's output).",
                "",
                "Images: PNG (or another format Java reads), any size, colour or gray.",
                "Each is converted to grayscale, padded to a square and resized to 28x28.",
                "MNIST digits are WHITE on BLACK: for a dark digit on a light background",
                "(ink on paper) add --invert. The digit should fill about the middle",
                "20x20 pixels of the square, as in MNIST."},
        footerHeading = "%nExamples:%n",
        footer = {"  lamina predict -c runs/<run>/checkpoint-epoch-1.lamina --images digits/",
                "  lamina predict -c checkpoint-epoch-3.lamina --images a-7.png --invert"})
final class PredictCommand implements Callable<Integer> {
    @Option(names = {"-c", "--checkpoint"}, required = true, paramLabel = "FILE",
            description = "A checkpoint-epoch-N.lamina file written by `train`.")
    Path checkpoint;

    @Option(names = "--images", required = true, paramLabel = "DIR|FILE",
            description = "A directory of .png files (not searched recursively), or one image file.")
    Path images;

    @Option(names = "--invert", description = "The images show a dark digit on a light background: invert them.")
    boolean invert;

    @Mixin
    ModelOption modelOption;

    @Spec
    CommandSpec spec;

    PrintStream out = System.out;

    /** One row of the output. */
    record Prediction(Path file, int digit, double probability, String problem) {}

    @Override
    public Integer call() throws IOException {
        modelOption.check(spec.commandLine());
        List<Path> files = imageFiles(images);
        SavedModel saved = SavedModel.load(checkpoint, modelOption, spec.commandLine());
        List<Prediction> predictions = new ArrayList<>();
        List<Path> readable = new ArrayList<>();
        List<float[]> pixels = new ArrayList<>();
        List<Path> lightBackground = new ArrayList<>();
        for (Path file : files) {
            try {
                float[] p = DigitImages.read(file, invert);
                if (!invert && DigitImages.looksLikeDarkOnLight(p)) {
                    lightBackground.add(file);
                }
                readable.add(file);
                pixels.add(p);
            } catch (IOException e) {
                predictions.add(new Prediction(file, -1, Double.NaN, Failures.describe(e)));
            }
        }
        if (!pixels.isEmpty()) {
            double[][] probabilities = classify(saved, pixels);
            for (int i = 0; i < readable.size(); i++) {
                int best = argMax(probabilities[i]);
                predictions.add(new Prediction(readable.get(i), best, probabilities[i][best], null));
            }
        }
        predictions.sort((a, b) -> a.file().compareTo(b.file()));
        print(saved, predictions);
        if (!lightBackground.isEmpty()) {
            out.printf(Locale.ROOT, "note: %d image(s) have a light background (%s); MNIST digits are white on black,"
                    + " so try --invert%n", lightBackground.size(), lightBackground.get(0).getFileName()
                    + (lightBackground.size() > 1 ? ", ..." : ""));
        }
        long failed = predictions.stream().filter(p -> p.problem() != null).count();
        if (failed > 0) {
            out.printf(Locale.ROOT, "%d of %d file(s) could not be read%n", failed, predictions.size());
            return 1;
        }
        return 0;
    }

    /** The image files to classify: {@code path} itself, or the {@code .png} files in it, by name. */
    static List<Path> imageFiles(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("--images: no such file or directory: " + path);
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(path)) {
            files = list.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IOException("--images: no .png files in " + path);
        }
        return files;
    }

    /** Softmax probabilities {@code [n][10]} of the images: the model's {@code predict}, in inference mode. */
    static double[][] classify(SavedModel saved, List<float[]> images) {
        int n = images.size();
        int pixels = DigitImages.SIZE * DigitImages.SIZE;
        float[] batch = new float[n * pixels];
        for (int i = 0; i < n; i++) {
            System.arraycopy(images.get(i), 0, batch, i * pixels, pixels);
        }
        // FLOAT pixels: the model casts them to its own type if that differs.
        INDArray input = Nd4j.create(batch, new long[] {n, 1, DigitImages.SIZE, DigitImages.SIZE}, 'c');
        return saved.model().predict(input).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }

    private void print(SavedModel saved, List<Prediction> predictions) {
        out.printf(Locale.ROOT, "%s (%s)%s%n", checkpoint, saved.describe(), invert ? ", images inverted" : "");
        int width = "file".length();
        for (Prediction p : predictions) {
            width = Math.max(width, p.file().getFileName().toString().length());
        }
        out.printf(Locale.ROOT, "%-" + width + "s  %5s  %11s%n", "file", "digit", "probability");
        for (Prediction p : predictions) {
            String name = p.file().getFileName().toString();
            if (p.problem() != null) {
                out.printf(Locale.ROOT, "%-" + width + "s  error: %s%n", name, p.problem());
            } else {
                out.printf(Locale.ROOT, "%-" + width + "s  %5d  %10.2f%%%n", name, p.digit(), 100 * p.probability());
            }
        }
    }
}
