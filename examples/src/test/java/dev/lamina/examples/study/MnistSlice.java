package dev.lamina.examples.study;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lamina.runtime.data.Mnist;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real MNIST for the examples' tests: the shared copy beside the checkout (system property
 * {@code lamina.sharedData}, set by the pom), else {@code $LAMINA_MNIST_DIR}; a test that needs it
 * is skipped when neither exists, never downloading. Loaded once per test JVM.
 */
final class MnistSlice {
    private static Mnist mnist;

    private MnistSlice() {}

    static synchronized Mnist load() {
        if (mnist == null) {
            Path dir = directory();
            assumeTrue(dir != null, "no MNIST copy: set LAMINA_MNIST_DIR or provide ../shared/data/mnist");
            try {
                mnist = Mnist.load(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return mnist;
    }

    private static Path directory() {
        for (String candidate : new String[] {System.getProperty("lamina.sharedData"), System.getenv("LAMINA_MNIST_DIR")}) {
            if (candidate != null && Files.isDirectory(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }
}
