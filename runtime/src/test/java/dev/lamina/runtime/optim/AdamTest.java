package dev.lamina.runtime.optim;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.model.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Adam steps against the PyTorch update rule in scalar double arithmetic, and convergence on a quadratic. */
class AdamTest {
    private static final double[] START = {1.0, -2.0, 0.5};
    private static final double[][] GRADS = {{0.5, 0.25, -1.0}, {-0.3, 0.1, 0.2}, {0.05, -0.4, 0.7}};

    /** torch.optim.Adam (amsgrad off) for each coordinate over the steps in GRADS. */
    private static double[] reference(double lr, double beta1, double beta2, double eps, double weightDecay) {
        double[] p = START.clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        for (int step = 1; step <= GRADS.length; step++) {
            for (int i = 0; i < p.length; i++) {
                double g = GRADS[step - 1][i] + weightDecay * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double biasCorrection1 = 1 - Math.pow(beta1, step);
                double biasCorrection2 = 1 - Math.pow(beta2, step);
                double denominator = Math.sqrt(v[i]) / Math.sqrt(biasCorrection2) + eps;
                p[i] -= lr / biasCorrection1 * m[i] / denominator;
            }
        }
        return p;
    }

    private static double[] run(Adam adam, DataType type) {
        Parameter p = Parameter.of("w", Nd4j.createFromArray(START).castTo(type));
        for (double[] g : GRADS) {
            INDArray grad = Nd4j.createFromArray(g).castTo(type);
            p.grad().assign(grad);
            adam.step(List.of(p));
            assertWithMessage("the step must not modify the gradient").that(p.grad()).isEqualTo(grad);
        }
        return p.value().castTo(DataType.DOUBLE).toDoubleVector();
    }

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            assertWithMessage("coordinate %s", i).that(actual[i]).isWithin(tolerance).of(expected[i]);
        }
    }

    @Test
    void defaultStepsMatchTheReference() {
        assertClose(run(new Adam(), DataType.DOUBLE), reference(1e-3, 0.9, 0.999, 1e-8, 0), 1e-14);
    }

    @Test
    void customHyperparametersWithWeightDecay() {
        Adam adam = Adam.builder().lr(0.05).beta1(0.8).beta2(0.99).eps(1e-3).weightDecay(0.1).build();
        assertClose(run(adam, DataType.DOUBLE), reference(0.05, 0.8, 0.99, 1e-3, 0.1), 1e-14);
    }

    @Test
    void floatParameters() {
        assertClose(run(new Adam(0.01), DataType.FLOAT), reference(0.01, 0.9, 0.999, 1e-8, 0), 1e-6);
    }

    /**
     * START and GRADS repeated over {@code copies} coordinates, in a parameter whose value is a view
     * with stride 2 when {@code strided} (the ND4J-ops path) or dense (the single-pass kernel, in
     * blocks of 4096 on two threads): every coordinate must follow the reference for its original.
     */
    private static void assertTiledRunMatches(DataType type, boolean strided, double tolerance) {
        int copies = 3_337; // 10,011 values: several blocks and a partial last one
        double[] start = new double[copies * START.length];
        for (int i = 0; i < start.length; i++) {
            start[i] = START[i % START.length];
        }
        INDArray storage = Nd4j.createFromArray(strided ? interleave(start) : start).castTo(type);
        INDArray value = strided ? storage.get(NDArrayIndex.interval(0, 2, storage.length())) : storage;
        Parameter p = Parameter.of("w", value);
        assertWithMessage("single-pass kernel used").that(
                dev.lamina.runtime.kernel.AdamUpdate.applies(p.value(), p.grad(), p.value(), p.value()))
                .isEqualTo(!strided);
        Adam adam = Adam.builder().lr(0.05).beta1(0.8).beta2(0.99).eps(1e-3).weightDecay(0.1).build();
        for (double[] g : GRADS) {
            double[] tiled = new double[start.length];
            for (int i = 0; i < tiled.length; i++) {
                tiled[i] = g[i % g.length];
            }
            p.grad().assign(Nd4j.createFromArray(tiled).castTo(type));
            adam.step(List.of(p));
        }
        double[] expected = reference(0.05, 0.8, 0.99, 1e-3, 0.1);
        double[] actual = p.value().castTo(DataType.DOUBLE).toDoubleVector();
        for (int i = 0; i < actual.length; i++) {
            assertWithMessage("coordinate %s", i).that(actual[i]).isWithin(tolerance).of(expected[i % expected.length]);
        }
    }

    private static double[] interleave(double[] values) {
        double[] out = new double[2 * values.length];
        for (int i = 0; i < values.length; i++) {
            out[2 * i] = values[i];
            out[2 * i + 1] = Double.NaN; // never read
        }
        return out;
    }

    @Test
    void largeParameters_everyBlockMatchesTheReference() {
        assertTiledRunMatches(DataType.DOUBLE, false, 1e-14);
        assertTiledRunMatches(DataType.FLOAT, false, 1e-6);
    }

    @Test
    void viewParameters_takeTheOpsPathWithTheSameResult() {
        assertTiledRunMatches(DataType.DOUBLE, true, 1e-14);
        assertTiledRunMatches(DataType.FLOAT, true, 1e-6);
    }

    @Test
    void firstStepMovesEachCoordinateByAboutTheLearningRate() {
        // With bias correction, m/sqrt(v) = g/|g| on step 1: every coordinate moves by lr against its sign.
        Parameter p = Parameter.of("w", Nd4j.createFromArray(START));
        p.grad().assign(Nd4j.createFromArray(GRADS[0]));
        new Adam(0.1).step(List.of(p));
        for (int i = 0; i < START.length; i++) {
            assertThat(p.value().getDouble(i)).isWithin(1e-6).of(START[i] - 0.1 * Math.signum(GRADS[0][i]));
        }
    }

    @Test
    void convergesOnAnIllConditionedQuadratic() {
        // f(p) = 1/2 sum a_i (p_i - c_i)^2, grad = a (p - c); curvatures differ 1000-fold.
        double[] a = {1000, 1, 0.5, 10};
        double[] c = {3, -1, 0.25, 2};
        INDArray curvature = Nd4j.createFromArray(a);
        INDArray centre = Nd4j.createFromArray(c);
        Parameter p = Parameter.of("p", Nd4j.zeros(DataType.DOUBLE, 4));
        Adam adam = new Adam(0.1);
        double initialDistance = p.value().distance2(centre);
        for (int step = 0; step < 600; step++) {
            p.grad().assign(p.value().sub(centre).muli(curvature));
            adam.step(List.of(p));
        }
        double distance = p.value().distance2(centre);
        assertWithMessage("distance to the minimum after 600 steps (from %s)", initialDistance)
                .that(distance).isLessThan(1e-6);
    }

    @Test
    void invalidHyperparametersNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Adam(-1));
        assertThat(e).hasMessageThat().contains("lr must be finite and >= 0, found -1.0");
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().beta1(1.0).build());
        assertThat(e).hasMessageThat().contains("beta1 must be in [0, 1), found 1.0");
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().beta2(-0.1).build());
        assertThat(e).hasMessageThat().contains("found -0.1");
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder().eps(Double.NaN).build());
        assertThat(e).hasMessageThat().contains("eps");
        e = assertThrows(IllegalArgumentException.class,
                () -> Adam.builder().weightDecay(Double.POSITIVE_INFINITY).build());
        assertThat(e).hasMessageThat().contains("Infinity");
    }

    @Test
    void defaultsArePyTorchs() {
        Adam adam = new Adam();
        assertThat(adam.lr()).isEqualTo(1e-3);
        assertThat(adam.beta1()).isEqualTo(0.9);
        assertThat(adam.beta2()).isEqualTo(0.999);
        assertThat(adam.eps()).isEqualTo(1e-8);
        assertThat(adam.weightDecay()).isEqualTo(0.0);
    }
}
