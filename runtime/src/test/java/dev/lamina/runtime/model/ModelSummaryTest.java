package dev.lamina.runtime.model;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link ModelSummary} on a stub model: buffer attribution, totals, memory units and the table's layout. */
class ModelSummaryTest {
    /** Describes layers and buffers only; the summary never runs a model. */
    private record Stub(List<Layer> layers, Map<String, INDArray> buffers, List<Parameter> parameters,
            DataType dataType) implements Model {
        @Override public INDArray forward(INDArray input, boolean training) { throw new UnsupportedOperationException(); }
        @Override public void backward(INDArray dOutput) { throw new UnsupportedOperationException(); }
        @Override public void seedDropout(long seed) {}
        @Override public Loss loss() { return Loss.MSE; }
        @Override public int[] inputShape() { return new int[] {3, 8, 8}; }
        @Override public int[] outputShape() { return layers.get(layers.size() - 1).outputShape(); }
    }

    private static Stub stub(DataType dataType) {
        Map<String, INDArray> buffers = new LinkedHashMap<>();
        buffers.put("norm.running_mean", Nd4j.zeros(dataType, 4));
        buffers.put("norm.running_var", Nd4j.ones(dataType, 4));
        // A buffer of a layer whose name is a prefix of another's must not be counted for both.
        buffers.put("normal.running_mean", Nd4j.zeros(dataType, 2));
        return new Stub(List.of(
                new LayerInfo("conv", "Conv2d", new int[] {4, 6, 6}, 112),
                new LayerInfo("norm", "BatchNorm", new int[] {4, 6, 6}, 8),
                new LayerInfo("normal", "Flatten", new int[] {144}, 0),
                new LayerInfo("out", "Dense", new int[] {300}, 43_500)), buffers,
                List.of(Parameter.of("all", Nd4j.zeros(dataType, 43_620))), dataType);
    }

    @Test
    void countsParametersBuffersAndMemory() {
        ModelSummary s = ModelSummary.of(stub(DataType.FLOAT), 10);
        assertThat(s.rows().get(1).nonTrainable()).isEqualTo(8);
        assertThat(s.rows().get(2).nonTrainable()).isEqualTo(2);
        assertThat(s.trainableParameters()).isEqualTo(112 + 8 + 43_500);
        assertThat(s.nonTrainableParameters()).isEqualTo(10);
        assertThat(s.parameterBytes()).isEqualTo(4L * (43_620 + 10));
        // Outputs per example: 144 + 144 + 144 + 300 = 732 values; 10 examples of 4 bytes.
        assertThat(s.activationValues()).isEqualTo(7_320);
        assertThat(s.activationBytes()).isEqualTo(29_280);
        assertThat(ModelSummary.of(stub(DataType.DOUBLE), 10).activationBytes()).isEqualTo(58_560);
    }

    @Test
    void aBlocksBuffersBelongToItsLayersNotToItsJunction() {
        Map<String, INDArray> buffers = new LinkedHashMap<>();
        buffers.put("down.bn.running_mean", Nd4j.zeros(DataType.FLOAT, 4));
        buffers.put("down.bn.running_var", Nd4j.ones(DataType.FLOAT, 4));
        Stub model = new Stub(List.of(
                new LayerInfo("down.conv", "Conv2d", new int[] {4, 3, 3}, 12),
                new LayerInfo("down.bn", "BatchNorm", new int[] {4, 3, 3}, 8),
                new LayerInfo("down", "Residual", new int[] {4, 3, 3}, 0)), buffers,
                List.of(Parameter.of("all", Nd4j.zeros(DataType.FLOAT, 20))), DataType.FLOAT);

        ModelSummary s = ModelSummary.of(model, 1);

        assertThat(s.rows().get(1).nonTrainable()).isEqualTo(8);
        assertThat(s.rows().get(2).nonTrainable()).isEqualTo(0);
        assertThat(s.nonTrainableParameters()).isEqualTo(8);
    }

    @Test
    void rendersAnAlignedTable() {
        String expected = String.join("\n",
                " Layer  | Kind      | Output shape | Trainable | Non-trainable | Activations",
                "--------+-----------+--------------+-----------+---------------+-------------",
                " input  |           | [N, 3, 8, 8] |           |               |",
                " conv   | Conv2d    | [N, 4, 6, 6] |       112 |             0 |     5.6 KiB",
                " norm   | BatchNorm | [N, 4, 6, 6] |         8 |             8 |     5.6 KiB",
                " normal | Flatten   | [N, 144]     |         0 |             2 |     5.6 KiB",
                " out    | Dense     | [N, 300]     |    43,500 |             0 |    11.7 KiB",
                "-----------------------------------------------------------------------------",
                "Trainable parameters:         43,620  (170.4 KiB)",
                "Non-trainable parameters:         10  (40 B)",
                "Total parameters:             43,630  (170.4 KiB)",
                "Activations at batch size 10:  7,320  (28.6 KiB)",
                "Values are FLOAT, 4 bytes each; activations are the outputs of all layers in one forward pass.",
                "");
        assertThat(stub(DataType.FLOAT).summary(10)).isEqualTo(expected);
        assertThat(stub(DataType.FLOAT).summary()).contains("Activations at batch size 1:    732  (2.9 KiB)");
    }

    @Test
    void saysWhenTheModelHoldsFewerParametersThanDeclared() {
        Stub declared = stub(DataType.FLOAT);
        Stub rewritten = new Stub(declared.layers(), declared.buffers(),
                List.of(Parameter.of("all", Nd4j.zeros(DataType.FLOAT, 43_616))), DataType.FLOAT);
        assertThat(ModelSummary.of(rewritten, 1).heldParameters()).isEqualTo(43_616);
        assertThat(rewritten.summary()).contains("Activations at batch size 1:    732  (2.9 KiB)\n"
                + "The generated code holds 43,616 trainable parameters: rewrites elided 4 that have no effect.\n"
                + "Values are FLOAT");
        assertThat(declared.summary()).doesNotContain("rewrites");
    }

    @Test
    void rejectsABatchSizeBelowOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stub(DataType.FLOAT).summary(0));
        assertThat(e).hasMessageThat().contains("batch size must be >= 1, found 0");
    }
}
