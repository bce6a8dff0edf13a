package dev.lamina.examples;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.examples.models.LaminaMnistResNet;
import dev.lamina.examples.testing.CentralDifferences;
import dev.lamina.runtime.model.ModelSummary;
import dev.lamina.runtime.model.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The examples' MNIST ResNet as its Javadoc describes it, and its whole backward pass against finite differences. */
class MnistResNetTest {
    /**
     * Smaller than {@code SeedNetGradientTest}'s 1e-5: with ReLU on [3, 16, 28, 28] tensors, a step of 1e-5
     * in a first-stage weight moves some pre-activations across zero, and the central difference then
     * differs from the gradient by up to 1% (measured: conv1.weight[105], analytic -0.1222515, numeric
     * -0.1203426 at 1e-4, -0.1221148 at 1e-5, -0.1222515 at 1e-6 and 1e-7).
     */
    private static final double H = 1e-6;

    @Test
    void shapesAndParameterCountsAreTheDeclaredOnes() {
        ModelSummary s = ModelSummary.of(LaminaMnistResNet.create(0), 1);
        Map<String, ModelSummary.Row> rows = new LinkedHashMap<>();
        s.rows().forEach(r -> rows.put(r.name(), r));
        // [1, 28, 28] -> [16, 28, 28] -> [32, 14, 14] -> [64, 7, 7] -> [64] -> [10]
        assertThat(rows.get("relu1").outputShape()).isEqualTo(new int[] {16, 28, 28});
        assertThat(rows.get("stage1[0].relu").outputShape()).isEqualTo(new int[] {16, 28, 28});
        assertThat(rows.get("down2.shortcut.conv").outputShape()).isEqualTo(new int[] {32, 14, 14});
        assertThat(rows.get("relu2").outputShape()).isEqualTo(new int[] {32, 14, 14});
        assertThat(rows.get("stage2[0].relu").outputShape()).isEqualTo(new int[] {32, 14, 14});
        assertThat(rows.get("down3.conv1").outputShape()).isEqualTo(new int[] {64, 7, 7});
        assertThat(rows.get("relu3").outputShape()).isEqualTo(new int[] {64, 7, 7});
        assertThat(rows.get("gap").outputShape()).isEqualTo(new int[] {64});
        assertThat(rows.get("fc").outputShape()).isEqualTo(new int[] {10});
        // Two identity and two projection shortcuts; ten weight layers plus the two projections.
        assertThat(rows.values().stream().filter(r -> r.kind().equals("Residual")).count()).isEqualTo(4);
        assertThat(rows.values().stream().filter(r -> r.kind().equals("Conv2d")).count()).isEqualTo(11);
        // Convolutions without bias: 144 + 2 * 2,304 + 4,608 + 9,216 + 512 + 2 * 9,216 + 18,432 + 36,864 + 2,048;
        // BatchNorm gamma and beta: 2 * (16 + 2 * 16 + 3 * 32 + 2 * 32 + 3 * 64); Dense 64 * 10 + 10.
        assertThat(s.trainableParameters()).isEqualTo(92_864 + 2_800 + 650);
        // BatchNorm running mean and variance of 400 channels. (Not s.nonTrainableParameters(): see below.)
        long buffers = LaminaMnistResNet.create(0).buffers().values().stream().mapToLong(INDArray::length).sum();
        assertThat(buffers).isEqualTo(800);
        assertThat(s.heldParameters()).isEqualTo(s.trainableParameters());
        assertThat(LaminaMnistResNet.create(0).lintFindings()).isEmpty();
    }

    @Test
    void theRuntimeSummaryCountsEachBufferOnce() {
        LaminaMnistResNet model = LaminaMnistResNet.create(0);
        long buffers = model.buffers().values().stream().mapToLong(INDArray::length).sum();
        ModelSummary s = ModelSummary.of(model, 1);
        assertThat(s.nonTrainableParameters()).isEqualTo(buffers);
        assertThat(s.rows().stream().filter(r -> r.kind().equals("Residual")).mapToLong(ModelSummary.Row::nonTrainable)
                .sum()).isEqualTo(0);
    }

    @Test
    void everyParameterGradientMatchesCentralDifferences() {
        LaminaMnistResNet model = LaminaMnistResNet.create(3, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 1, 28, 28);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 3, 10);
        y.putScalar(0, 4, 1.0).putScalar(1, 0, 1.0).putScalar(2, 9, 1.0);

        CentralDifferences.Result r = CentralDifferences.check(model, x, y, 3, H);
        assertThat(r.checked()).isEqualTo(3 * model.parameters().size());
        assertThat(model.parameters().stream().map(Parameter::name).toList())
                .containsAtLeast("conv1.weight", "stage1[0].res.conv1.weight", "down2.shortcut.conv.weight",
                        "down3.shortcut.bn.gamma", "fc.weight");
        assertWithMessage("max relative error %s; mismatches:\n%s", r.worst(), String.join("\n", r.failures()))
                .that(r.failures()).isEmpty();
    }
}
