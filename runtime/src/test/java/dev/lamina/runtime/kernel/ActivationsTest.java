package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.runtime.kernel.GradientCheck.assertClose;
import static dev.lamina.runtime.kernel.GradientCheck.assertGradient;
import static dev.lamina.runtime.kernel.GradientCheck.numeric;
import static dev.lamina.runtime.kernel.GradientCheck.randn;
import static dev.lamina.runtime.kernel.GradientCheck.toFloat;
import static dev.lamina.runtime.kernel.GradientCheck.weightedSum;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ReLU, ELU, LeakyReLU, Tanh, Sigmoid, GELU (both forms) and SiLU: values, finite-difference gradients, FLOAT paths. */
class ActivationsTest {
    /** A kernel pair under test, with the scalar function it must compute. */
    record Activation(String name, UnaryOperator<INDArray> forward, Backward backward, DoubleUnaryOperator scalar) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Backward {
        INDArray apply(INDArray x, INDArray y, INDArray dy);
    }

    static Stream<Arguments> activations() {
        return Stream.of(
                Arguments.of(new Activation("ReLU", ReLU::forward, ReLU::backward, v -> Math.max(v, 0))),
                Arguments.of(new Activation("ELU(1.0)", x -> ELU.forward(x, 1.0),
                        (x, y, dy) -> ELU.backward(x, y, dy, 1.0), v -> v > 0 ? v : Math.expm1(v))),
                Arguments.of(new Activation("ELU(0.7)", x -> ELU.forward(x, 0.7),
                        (x, y, dy) -> ELU.backward(x, y, dy, 0.7), v -> v > 0 ? v : 0.7 * Math.expm1(v))),
                Arguments.of(new Activation("LeakyReLU(0.1)", x -> LeakyReLU.forward(x, 0.1),
                        (x, y, dy) -> LeakyReLU.backward(x, y, dy, 0.1), v -> v > 0 ? v : 0.1 * v)),
                Arguments.of(new Activation("Tanh", Tanh::forward, Tanh::backward, Math::tanh)),
                Arguments.of(new Activation("Sigmoid", Sigmoid::forward, Sigmoid::backward,
                        v -> 1 / (1 + Math.exp(-v)))),
                Arguments.of(new Activation("GELU", GELU::forward, GELU::backward,
                        v -> 0.5 * v * (1 + GELUTest.erf(v / Math.sqrt(2))))),
                Arguments.of(new Activation("GELU(tanh)", x -> GELU.forward(x, GELU.Approximation.TANH),
                        (x, y, dy) -> GELU.backward(x, y, dy, GELU.Approximation.TANH),
                        v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))))),
                Arguments.of(new Activation("SiLU", SiLU::forward, SiLU::backward, v -> v / (1 + Math.exp(-v)))));
    }

    @ParameterizedTest
    @MethodSource("activations")
    void forwardComputesTheFunction(Activation a) {
        INDArray x = randn(1, 3, 4, 5).muli(2);

        INDArray y = a.forward().apply(x);

        INDArray expected = x.dup();
        INDArray flat = expected.reshape(expected.length());
        for (long i = 0; i < flat.length(); i++) {
            flat.putScalar(i, a.scalar().applyAsDouble(flat.getDouble(i)));
        }
        assertClose(a + " forward", expected, y, 1e-12);
    }

    @ParameterizedTest
    @MethodSource("activations")
    void backwardMatchesFiniteDifferences(Activation a) {
        INDArray x = randn(2, 2, 3, 3, 5).muli(2);
        INDArray r = randn(3, 2, 3, 3, 5);

        INDArray dx = a.backward().apply(x, a.forward().apply(x), r);

        assertGradient(a + " dx", dx, numeric(() -> weightedSum(a.forward().apply(x), r), x));
    }

    @Test
    void slopesAtZeroFollowPyTorch() {
        INDArray x = Nd4j.create(new double[] {-1, 0, 1});
        INDArray dy = Nd4j.ones(DataType.DOUBLE, 3);

        INDArray relu = ReLU.backward(x, ReLU.forward(x), dy);
        INDArray leaky = LeakyReLU.backward(x, LeakyReLU.forward(x, 0.1), dy, 0.1);
        INDArray elu = ELU.backward(x, ELU.forward(x, 0.5), dy, 0.5);

        assertClose("ReLU slopes", Nd4j.create(new double[] {0, 0, 1}), relu, 0);
        assertClose("LeakyReLU slopes", Nd4j.create(new double[] {0.1, 0.1, 1}), leaky, 1e-15);
        assertClose("ELU slopes", Nd4j.create(new double[] {0.5 * Math.exp(-1), 0.5, 1}), elu, 1e-15);
    }

    @ParameterizedTest
    @MethodSource("activations")
    void floatAgreesWithDouble(Activation a) {
        // Large enough that the Java loops run on several threads.
        INDArray x = randn(4, 64, 1100).muli(2);
        INDArray dy = randn(5, 64, 1100);
        INDArray y = a.forward().apply(x);
        INDArray dx = a.backward().apply(x, y, dy);

        INDArray yF = a.forward().apply(toFloat(x));
        INDArray dxF = a.backward().apply(toFloat(x), yF, toFloat(dy));

        assertThat(yF.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(dxF.dataType()).isEqualTo(DataType.FLOAT);
        assertClose(a + " float y", y, yF, 1e-5);
        assertClose(a + " float dx", dx, dxF, 1e-5);
    }
}
