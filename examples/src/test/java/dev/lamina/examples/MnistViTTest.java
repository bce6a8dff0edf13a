package dev.lamina.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.examples.models.LaminaMnistViT;
import dev.lamina.examples.testing.CentralDifferences;
import dev.lamina.runtime.model.ModelSummary;
import dev.lamina.runtime.model.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The examples' MNIST ViT as its Javadoc describes it, and its whole backward pass against finite
 * differences: one element of every parameter tensor (the kernels' own tests check them element by element).
 */
class MnistViTTest {
    private static final double H = 1e-6;

    @Test
    void shapesAndParameterCountsAreTheDeclaredOnes() {
        LaminaMnistViT model = LaminaMnistViT.create(0);
        ModelSummary s = ModelSummary.of(model, 1);
        Map<String, ModelSummary.Row> rows = new LinkedHashMap<>();
        s.rows().forEach(r -> rows.put(r.name(), r));
        // [1, 28, 28] -> [16, 49] -> [16, 64] -> ... -> [16, 64] -> [64] -> [10]
        assertThat(rows.get("patches").outputShape()).isEqualTo(new int[] {16, 49});
        assertThat(rows.get("embed").outputShape()).isEqualTo(new int[] {16, 64});
        assertThat(rows.get("position").outputShape()).isEqualTo(new int[] {16, 64});
        assertThat(rows.get("encoder[3].mlp.fc1").outputShape()).isEqualTo(new int[] {16, 128});
        assertThat(rows.get("norm").outputShape()).isEqualTo(new int[] {16, 64});
        assertThat(rows.get("pool").outputShape()).isEqualTo(new int[] {64});
        assertThat(rows.get("head").outputShape()).isEqualTo(new int[] {10});
        // Four units of two residuals each; four attention layers and nine LayerNorms (two per unit, one final).
        assertThat(rows.values().stream().filter(r -> r.kind().equals("Residual")).count()).isEqualTo(8);
        assertThat(rows.values().stream().filter(r -> r.kind().equals("MultiHeadAttention")).count()).isEqualTo(4);
        assertThat(rows.values().stream().filter(r -> r.kind().equals("LayerNorm")).count()).isEqualTo(9);
        // embed 49 * 64 + 64; positions 16 * 64; per unit: 2 LayerNorms 2 * 128, attention 4 * (64 * 64 + 64),
        // MLP 64 * 128 + 128 + 128 * 64 + 64; final LayerNorm 128; head 64 * 10 + 10.
        long unit = 2 * 128 + 4 * (64 * 64 + 64) + (64 * 128 + 128) + (128 * 64 + 64);
        assertThat(s.trainableParameters()).isEqualTo(3_200 + 1_024 + 4 * unit + 128 + 650);
        assertThat(s.trainableParameters()).isEqualTo(138_890);
        assertThat(model.buffers()).isEmpty();
        assertThat(model.lintFindings()).isEmpty();
    }

    @Test
    void everyParameterGradientMatchesCentralDifferences() {
        LaminaMnistViT model = LaminaMnistViT.create(3, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 1, 28, 28);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 10);
        y.putScalar(0, 4, 1.0).putScalar(1, 9, 1.0);

        CentralDifferences.Result r = CentralDifferences.check(model, x, y, 1, H);
        assertThat(r.checked()).isEqualTo(model.parameters().size());
        assertThat(model.parameters().stream().map(Parameter::name).toList())
                .containsAtLeast("embed.weight", "position.weight", "encoder[0].attention.attention.query_weight",
                        "encoder[3].mlp.fc2.bias", "norm.gamma", "head.weight");
        assertWithMessage("max relative error %s; mismatches:\n%s", r.worst(), String.join("\n", r.failures()))
                .that(r.failures()).isEmpty();
    }
}
