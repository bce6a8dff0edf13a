package dev.lamina.runtime.model;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The profiler's work estimates against hand-counted multiply-adds and tensor sizes. */
class LayerWorkTest {
    private static INDArray zeros(DataType type, long... shape) {
        return Nd4j.zeros(type, shape);
    }

    @Test
    void conv2dCountsEachOutputsDotProductOverChannelsAndKernel() {
        // 3 -> 8 channels, 5x5 kernel, 10x10 -> 6x6, batch 2
        INDArray weight = zeros(DataType.FLOAT, 8, 3, 5, 5);
        INDArray bias = zeros(DataType.FLOAT, 8);
        LayerWork.Shapes shapes = LayerWork.shapes("Conv2d", zeros(DataType.FLOAT, 2, 3, 10, 10),
                zeros(DataType.FLOAT, 2, 8, 6, 6), List.of(weight, bias));

        double flop = 2.0 * (2 * 8 * 6 * 6) * (3 * 5 * 5);
        assertThat(shapes.forward().flop()).isEqualTo(flop);
        assertThat(shapes.forward().bytes()).isEqualTo(4.0 * (2 * 3 * 10 * 10 + 2 * 8 * 6 * 6 + 8 * 3 * 5 * 5 + 8));
        assertThat(shapes.backward(true).flop()).isEqualTo(2 * flop);
        assertThat(shapes.backward(false).flop()).isEqualTo(flop);
        assertThat(shapes.backward(true).bytes()).isGreaterThan(shapes.backward(false).bytes());
    }

    @Test
    void denseCountsInputsTimesUnitsPerRowInDouble() {
        INDArray weight = zeros(DataType.DOUBLE, 7, 3);
        LayerWork.Shapes shapes = LayerWork.shapes("Dense", zeros(DataType.DOUBLE, 5, 7), zeros(DataType.DOUBLE, 5, 3),
                List.of(weight, zeros(DataType.DOUBLE, 3)));

        assertThat(shapes.forward().flop()).isEqualTo(2.0 * 5 * 7 * 3);
        assertThat(shapes.forward().bytes()).isEqualTo(8.0 * (5 * 7 + 5 * 3 + 7 * 3 + 3));
    }

    @Test
    void attentionCountsProjectionsAndBothProducts() {
        // N 2, T 4, D 6: four D x D projections per token, scores and weighted values T x T x D per sequence.
        LayerWork.Shapes shapes = LayerWork.shapes("MultiHeadAttention", zeros(DataType.FLOAT, 2, 4, 6),
                zeros(DataType.FLOAT, 2, 4, 6), List.of(zeros(DataType.FLOAT, 6, 6)));

        assertThat(shapes.forward().flop()).isEqualTo(2.0 * (4 * 2 * 4 * 6 * 6 + 2 * 2 * 4 * 4 * 6));
    }

    @Test
    void elementwiseLayersAndJunctionsCountNoFlopButTheirTensors() {
        INDArray x = zeros(DataType.FLOAT, 2, 3, 4, 4);
        assertThat(LayerWork.shapes("ELU", x, x, List.of()).forward()).isEqualTo(new LayerWork(0, 4.0 * 2 * 96));
        // A residual addition reads two tensors of its output's shape; a concatenation reads its output's values.
        assertThat(LayerWork.shapes("Residual", null, x, List.of()).forward().bytes()).isEqualTo(4.0 * 3 * 96);
        assertThat(LayerWork.shapes("Concat", null, x, List.of()).forward().bytes()).isEqualTo(4.0 * 2 * 96);
    }
}
