package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.rules.BlockTemplate;
import dev.lamina.processor.lint.rules.LinearStackCollapse;
import dev.lamina.processor.lint.rules.NonlinearityBeforeOutput;
import dev.lamina.processor.lint.rules.StochasticLayerAfterOutput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Precision on published transformers (hand-built IR, {@link Textbook}): every rule that is on by
 * default runs on a ViT encoder and a GPT-style decoder (both Pre-LN with their final layer norm)
 * and finds nothing; BERT's Post-LN stack gets the Post-LN note and nothing else. Also how the
 * older rules read sequence layers.
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

    /** Dropout after a decoder's logits per position is dropout after the output, as on vectors. */
    @Test
    void dropoutAfterSequenceLogitsIsAfterTheOutput() {
        ModelIR m = Ir.tokens(16).embedding("tokens", 100, 32)
                .residual("attention", b -> b.layerNorm("ln").attention("attention", 4, true).dropout("drop", 0.1))
                .layerNorm("lnF").dense("logits", 100).dropout("drop", 0.1).build();
        assertThat(Ir.at(Ir.check(new StochasticLayerAfterOutput(), m))).containsExactly("drop");
    }
}
