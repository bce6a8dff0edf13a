package dev.lamina.examples;

import static com.google.common.truth.Truth.assertThat;

import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.runtime.model.ModelSummary;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code summary()} of the generated seed network against a table computed by hand.
 *
 * <p>Input {@code [1, 28, 28]}; valid 3x3 convolutions shrink a side by 2, 2x2 pooling halves it (floor):
 * <pre>
 * conv1   32 filters x 1 channel x 3 x 3 = 288 weights + 32 biases       =     320   out [32, 26, 26] = 21,632
 * bn1     gamma + beta over 32 channels = 64; running mean + var = 64 buffers   out [32, 26, 26] = 21,632
 * pool1   26 / 2 = 13                                                            out [32, 13, 13] =  5,408
 * conv2   64 x 32 x 3 x 3 = 18,432 weights + 64 biases                   =  18,496   out [64, 11, 11] =  7,744
 * bn2     2 x 64 = 128 trainable; 128 running statistics                         out [64, 11, 11] =  7,744
 * pool2   11 / 2 = 5                                                             out [64, 5, 5]   =  1,600
 * fc1     1,600 x 512 = 819,200 weights + 512 biases                     = 819,712   out [512]
 * logits  512 x 10 = 5,120 weights + 10 biases                           =   5,130   out [10]
 * trainable 320 + 64 + 18,496 + 128 + 819,712 + 5,130 = 843,850; non-trainable 64 + 128 = 192;
 * total 844,042 values x 4 bytes = 3,376,168 B = 3.2 MiB.
 * The processor's rewrite BiasBeforeBatchNorm elides the conv biases that bn1 and bn2 cancel, so the
 * generated code holds 843,850 - 32 - 64 = 843,754 of them.
 * activations per example: 4 x 21,632 + 5,408 + 4 x 7,744 + 2 x 1,600 + 2 x 512 + 10 = 127,146
 * values = 508,584 B = 496.7 KiB; 21,632 x 4 B = 86,528 B = 84.5 KiB per conv1-sized layer.
 * </pre>
 */
class SeedNetSummaryTest {
    private static final String EXPECTED = """
             Layer   | Kind      | Output shape    | Trainable | Non-trainable | Activations
            ---------+-----------+-----------------+-----------+---------------+-------------
             input   |           | [N, 1, 28, 28]  |           |               |
             conv1   | Conv2d    | [N, 32, 26, 26] |       320 |             0 |    84.5 KiB
             bn1     | BatchNorm | [N, 32, 26, 26] |        64 |            64 |    84.5 KiB
             act1    | ELU       | [N, 32, 26, 26] |         0 |             0 |    84.5 KiB
             drop1   | Dropout   | [N, 32, 26, 26] |         0 |             0 |    84.5 KiB
             pool1   | MaxPool2d | [N, 32, 13, 13] |         0 |             0 |    21.1 KiB
             conv2   | Conv2d    | [N, 64, 11, 11] |    18,496 |             0 |    30.3 KiB
             bn2     | BatchNorm | [N, 64, 11, 11] |       128 |           128 |    30.3 KiB
             act2    | ELU       | [N, 64, 11, 11] |         0 |             0 |    30.3 KiB
             drop2   | Dropout   | [N, 64, 11, 11] |         0 |             0 |    30.3 KiB
             pool2   | MaxPool2d | [N, 64, 5, 5]   |         0 |             0 |     6.3 KiB
             flatten | Flatten   | [N, 1600]       |         0 |             0 |     6.3 KiB
             fc1     | Dense     | [N, 512]        |   819,712 |             0 |     2.0 KiB
             act3    | ELU       | [N, 512]        |         0 |             0 |     2.0 KiB
             logits  | Dense     | [N, 10]         |     5,130 |             0 |        40 B
            ---------------------------------------------------------------------------------
            Trainable parameters:        843,850  (3.2 MiB)
            Non-trainable parameters:        192  (768 B)
            Total parameters:            844,042  (3.2 MiB)
            Activations at batch size 1: 127,146  (496.7 KiB)
            The generated code holds 843,754 trainable parameters: rewrites elided 96 that have no effect.
            Values are FLOAT, 4 bytes each; activations are the outputs of all layers in one forward pass.
            """;

    @Test
    void summaryMatchesTheHandComputedTable() {
        assertThat(LaminaSeedNet.create(0).summary()).isEqualTo(EXPECTED);
    }

    @Test
    void countsMatchTheHandComputedNumbers() {
        ModelSummary s = ModelSummary.of(LaminaSeedNet.create(0), 128);
        List<String> names = s.rows().stream().map(ModelSummary.Row::name).toList();
        long[] trainable = s.rows().stream().mapToLong(ModelSummary.Row::trainable).toArray();
        long[] running = s.rows().stream().mapToLong(ModelSummary.Row::nonTrainable).toArray();
        assertThat(trainable[names.indexOf("conv1")]).isEqualTo(320);
        assertThat(trainable[names.indexOf("bn1")]).isEqualTo(64);
        assertThat(running[names.indexOf("bn1")]).isEqualTo(64);
        assertThat(trainable[names.indexOf("conv2")]).isEqualTo(18_496);
        assertThat(trainable[names.indexOf("bn2")]).isEqualTo(128);
        assertThat(running[names.indexOf("bn2")]).isEqualTo(128);
        assertThat(trainable[names.indexOf("fc1")]).isEqualTo(819_712);
        assertThat(trainable[names.indexOf("logits")]).isEqualTo(5_130);
        assertThat(s.trainableParameters()).isEqualTo(843_850);
        assertThat(s.nonTrainableParameters()).isEqualTo(192);
        assertThat(s.parameterBytes()).isEqualTo(844_042L * 4);
        assertThat(s.activationValues()).isEqualTo(127_146L * 128);
        // What the generated code really holds, without the two biases that BatchNorm cancels.
        long held = LaminaSeedNet.create(0).parameters().stream().mapToLong(p -> p.value().length()).sum();
        assertThat(held).isEqualTo(843_850 - 32 - 64);
        assertThat(s.heldParameters()).isEqualTo(held);
    }

    @Test
    void doubleModelsTakeEightBytesPerValue() {
        String table = LaminaSeedNet.create(0, DataType.DOUBLE).summary(2);
        assertThat(table).contains("Total parameters:            844,042  (6.4 MiB)");
        assertThat(table).contains("Activations at batch size 2: 254,292  (1.9 MiB)");
        assertThat(table).contains("Values are DOUBLE, 8 bytes each");
    }
}
