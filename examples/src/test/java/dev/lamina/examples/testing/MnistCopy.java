package dev.lamina.examples.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the examples' tests find real MNIST: the shared copy beside the checkout (system property
 * {@code lamina.sharedData}, set by the pom), else {@code $LAMINA_MNIST_DIR}. Tests never download it.
 */
public final class MnistCopy {
    private MnistCopy() {}

    /** The folder holding the four gzipped IDX files; skips the calling test when there is none. */
    public static Path require() {
        for (String candidate : new String[] {System.getProperty("lamina.sharedData"), System.getenv("LAMINA_MNIST_DIR")}) {
            if (candidate != null && Files.isDirectory(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        assumeTrue(false, "no MNIST copy: set LAMINA_MNIST_DIR or provide ../shared/data/mnist");
        throw new AssertionError("unreachable");
    }
}
