package dev.lamina.examples.study;

import dev.lamina.examples.testing.MnistCopy;
import dev.lamina.runtime.data.Mnist;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Real MNIST for the examples' tests, from {@link MnistCopy} (a test that needs it is skipped when
 * there is none), loaded once per test JVM.
 */
final class MnistSlice {
    private static Mnist mnist;

    private MnistSlice() {}

    static synchronized Mnist load() {
        if (mnist == null) {
            try {
                mnist = Mnist.load(MnistCopy.require());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return mnist;
    }
}
