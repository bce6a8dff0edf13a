package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.rules.BlockTemplate;
import dev.lamina.processor.lint.rules.LinearStackCollapse;
import dev.lamina.processor.lint.rules.NonlinearityBeforeOutput;
import dev.lamina.processor.lint.rules.PreActivationWithoutFinalActivation;
import dev.lamina.processor.lint.rules.RedundantBiasBeforeBatchNorm;
import dev.lamina.processor.lint.rules.StochasticLayerAfterOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Precision on published transformers (hand-built IR, {@link Textbook}): every rule that is on by
 * default runs on a ViT encoder and a GPT-style decoder (both Pre-LN with their final layer norm)
 * and finds nothing; BERT's Post-LN stack gets the Post-LN note and nothing else. Also how the
 * older rules read sequence layers, and Conv1d on signals.
 */
class SequencePrecisionTest {
    @Test
    void vitEncoderHasNoFinding() {
        assertWithMessage("findings").that(BlockPrecisionTest.findings(Textbook.vit())).isEmpty();
    }

    @Test
    void gptDecoderHasNoFinding() {
        assertWithMessage("findings").that(BlockPrecisionTest.findings(Textbook.gpt())).isEmpty();
    }

    @Test
    void bertPostLnStackGetsOnlyThePostLnNote() {
        List<String> found = BlockPrecisionTest.findings(Textbook.bert(2));
        assertThat(found).hasSize(1);
        assertThat(found.get(0)).startsWith("PostLayerNorm on encoder[0].ln1: ");
    }

    /** Batch norm cannot go on a sequence, so no template holds dense layers on one. */
    @Test
    void blockTemplatesLeaveSequenceLayersAlone() {
        for (String template : List.of("classic", "preact", "ic")) {
            for (ModelIR m : List.of(Textbook.vit(), Textbook.gpt(), Textbook.bert(2))) {
                assertWithMessage("%s on %s", template, m)
                        .that(Ir.check(new BlockTemplate(), m, Map.of("template", template))).isEmpty();
            }
        }
    }

    /** Mean pooling over the tokens is affine: two dense layers joined only by it collapse into one. */
    @Test
    void linearCollapseSeesThroughSequencePooling() {
        ModelIR m = Ir.sequence(8, 16).dense("fc1", 32).globalAvgPool1d("pool").dense("fc2", 4).build();
        assertThat(Ir.at(Ir.check(new LinearStackCollapse(), m))).containsExactly("fc1");
        // Attention, a layer norm or GELU between them keeps them apart.
        assertThat(Ir.check(new LinearStackCollapse(), Ir.sequence(8, 16).dense("fc1", 16)
                .attention("attention", 2, false).dense("fc2", 16).build())).isEmpty();
        assertThat(Ir.check(new LinearStackCollapse(), Ir.sequence(8, 16).dense("fc1", 16)
                .layerNorm("ln").dense("fc2", 16).build())).isEmpty();
        assertThat(Ir.check(new LinearStackCollapse(), Ir.sequence(8, 16).dense("fc1", 16)
                .gelu("gelu").dense("fc2", 16).build())).isEmpty();
    }

    @Test
    void logitsThroughSequencePoolingAreStillLogits() {
        ModelIR m = Ir.sequence(8, 16).dense("fc", 4).relu("relu").globalAvgPool1d("pool").build();
        assertThat(Ir.at(Ir.check(new NonlinearityBeforeOutput(), m))).containsExactly("relu");
    }

    /**
     * A 1-D full pre-activation ResNet on signals {@code [C, L]}: a strided Conv1d after the last unit
     * starts another stage, as a Conv2d does, and its own BN-ReLU comes before the pooling.
     */
    @Test
    void preActivationSignalNetworkWithAnotherStageIsNotMatched() {
        ModelIR m = Ir.input(2, 64).conv1dSame("stem", 8, 7, 1, false)
                .repeat("stage1", 2, u -> u.residual("res", b -> b.batchNorm("bn1").relu("relu1")
                        .conv1dSame("conv1", 8, 3, 1, false).batchNorm("bn2").relu("relu2")
                        .conv1dSame("conv2", 8, 3, 1, false)))
                .conv1dSame("down", 16, 3, 2, false).batchNorm("bn").relu("relu")
                .globalAvgPool1d("pool").dense("fc", 4)
                .build();
        assertThat(Ir.check(new PreActivationWithoutFinalActivation(), m)).isEmpty();
        assertWithMessage("findings").that(BlockPrecisionTest.findings(m)).isEmpty();
    }

    @Test
    void conv1dBiasBeforeBatchNormIsRedundant() {
        ModelIR m = Ir.input(2, 64).conv1dSame("conv", 8, 3, 1, true).batchNorm("bn").relu("relu")
                .globalAvgPool1d("pool").dense("fc", 4).build();
        List<Finding> f = Ir.check(new RedundantBiasBeforeBatchNorm(), m);
        assertThat(Ir.at(f)).containsExactly("conv");
        assertThat(f.get(0).why()).contains("so its 8 parameters have no effect");
    }

    /** Dropout after a decoder's logits per position is dropout after the output, as on vectors. */
    @Test
    void dropoutAfterSequenceLogitsIsAfterTheOutput() {
        ModelIR m = Ir.tokens(16).embedding("tokens", 100, 32)
                .residual("attention", b -> b.layerNorm("ln").attention("attention", 4, true).dropout("drop", 0.1))
                .layerNorm("lnF").dense("logits", 100).dropout("drop", 0.1).build();
        assertThat(Ir.at(Ir.check(new StochasticLayerAfterOutput(), m))).containsExactly("drop");
    }
}
