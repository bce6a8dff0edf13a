package dev.lamina.examples.cli;

import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Mnist;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MNIST-shaped stand-in data that a few steps can learn: class {@code k} is a bright horizontal bar
 * on rows {@code 2k + 4} and {@code 2k + 5} of a dark 28 x 28 image, with noise. Pixels are multiples
 * of 1/255, so they survive a round trip through an 8-bit PNG exactly.
 */
final class SyntheticDigits {
    private SyntheticDigits() {}

    static Dataset dataset(int n, long seed) {
        Random random = new Random(seed);
        float[][][][] x = new float[n][1][28][28];
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(10);
            classes[i] = k;
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    int level = random.nextInt(40);
                    if ((r == 2 * k + 4 || r == 2 * k + 5) && c >= 4 && c < 24) {
                        level = 215 + random.nextInt(41);
                    }
                    x[i][0][r][c] = level / 255f;
                }
            }
        }
        return Dataset.of(Nd4j.createFromArray(x), classes, 10);
    }

    static Mnist mnist(int train, int test) {
        return new Mnist(dataset(train, 1), dataset(test, 2));
    }

    /** The pixels of example {@code i}, row-major. */
    static float[] pixels(Dataset data, int i) {
        return data.features().slice(i).dup('c').data().asFloat();
    }
}
